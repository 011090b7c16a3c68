/* libmsgcenter: the msgcenter message center, for apps in any language.
 *
 * An app creates one client per profile directory, calls operations by
 * name with a JSON request and gets a JSON answer, and receives events
 * (inbox items as they arrive, the live connection's state, download
 * progress). docs/client-api.md describes every operation and event.
 *
 * Memory: every string the library returns through a char** is the
 * caller's, to be released with mc_free. Strings passed in are only read
 * during the call.
 *
 * Threads: every function may be called from any thread, and one client
 * may be used by many threads at once; calls run on the caller's thread.
 * The exception: mc_client_free must be the last call on a client (no
 * other thread may be inside a call on it, or waiting in mc_next_event).
 * Event callbacks run on one thread the client owns, one at a time, in
 * order.
 *
 * Errors are values: no function aborts or throws, whatever its input. */
#ifndef MSGCENTER_MSGCENTER_H
#define MSGCENTER_MSGCENTER_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define MC_EXPORT __attribute__((visibility("default")))
#else
#define MC_EXPORT
#endif

/* The version of this header; mc_version() gives the library's. */
#define MC_VERSION_STRING "0.1.0"

/* What mc_call returns: 0, or the kind of the error (the answer's
 * "error" object says more: "code" is the protocol's machine code,
 * "message" is for people, "kind" is the name of one of these). */
enum mc_status {
  MC_OK = 0,
  MC_ERR_INVALID_ARGUMENT = 1,    /* a bad request: malformed JSON, a missing or wrong field */
  MC_ERR_FAILED_PRECONDITION = 2, /* the state forbids it now */
  MC_ERR_OUT_OF_RANGE = 3,
  MC_ERR_NOT_FOUND = 4, /* an unknown operation, resource, item ... */
  MC_ERR_ALREADY_EXISTS = 5,
  MC_ERR_PERMISSION_DENIED = 6,
  MC_ERR_UNAUTHENTICATED = 7, /* not logged in, or the login ended */
  MC_ERR_RESOURCE_EXHAUSTED = 8,
  MC_ERR_TOO_LARGE = 9,
  MC_ERR_DATA_LOSS = 10, /* downloaded bytes did not match their SHA-256 */
  MC_ERR_UNIMPLEMENTED = 11,
  MC_ERR_UNAVAILABLE = 12, /* the server cannot be reached, or answered garbage */
  MC_ERR_CANCELLED = 13,   /* mc_cancel ended the call */
  MC_ERR_INTERNAL = 14
};

typedef struct mc_client mc_client;

/* config_json: {"server": URL, "home": DIR, "device_name": NAME}; "home"
 * is required (created if missing), "server" defaults to the profile's
 * server, else http://127.0.0.1:8080. Returns NULL on error, with
 * *error_json (if error_json is not NULL) set to {"error":{...}}. */
MC_EXPORT mc_client* mc_client_new(const char* config_json, char** error_json);

/* Runs `operation` with `request_json` (NULL means {}). Returns 0 and sets
 * *answer_json to the answer, or returns an mc_status and sets
 * *answer_json to {"error":{"code","message","kind"}} (NULL only if memory
 * ran out). With answer_json NULL only the status is returned. */
MC_EXPORT int mc_call(mc_client* c, const char* operation, const char* request_json, char** answer_json);

/* Waits up to timeout_ms (0: do not wait; negative: wait until an event)
 * for the next event. Returns 1 and sets *event_json, 0 on timeout, or a
 * negative value on error (a NULL argument, or an event callback is set),
 * with *event_json set to {"error":{...}} when event_json is not NULL. */
MC_EXPORT int mc_next_event(mc_client* c, int timeout_ms, char** event_json);

/* Events go to `callback` instead of mc_next_event, on the client's event
 * thread; `event_json` is valid during the callback only (do not mc_free
 * it). NULL callback: events queue for mc_next_event again. Returns once
 * the previous callback is not running (unless called from inside it), so
 * that its user_data may be freed then. Returns 0, or a negative value for
 * a NULL client. */
typedef void (*mc_event_callback)(const char* event_json, void* user_data);
MC_EXPORT int mc_set_event_callback(mc_client* c, mc_event_callback callback, void* user_data);

/* Ends every call running on the client now with MC_ERR_CANCELLED: each
 * exchange with the server it is in or about to start (a download keeps
 * what it has and resumes on the next "get"). Not reached: a host name
 * being resolved, a file being hashed for "publish", a page of another
 * site being fetched by "open" (each bounded by its own limits). Later
 * calls run normally. Any thread, including the event callback. */
MC_EXPORT void mc_cancel(mc_client* c);

/* Frees a string the library returned. NULL is fine. */
MC_EXPORT void mc_free(void* p);

/* Stops following, ends running calls, frees the client. NULL is fine.
 * May be called from the event callback (the callback's thread ends when
 * the callback returns). */
MC_EXPORT void mc_client_free(mc_client* c);

/* "0.1.0": the library's version. */
MC_EXPORT const char* mc_version(void);

#ifdef __cplusplus
}
#endif

#endif /* MSGCENTER_MSGCENTER_H */
