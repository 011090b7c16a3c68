/* The C API against everything an app can get wrong, and a server that is
 * down or talks garbage: each call gives an error value (a status and
 * {"error": {...}}) or a correct answer, never a crash. Then many threads
 * on one client at once, with cancels among them, and an event callback.
 * Run under ASan and TSan too.
 *
 * Usage: capi_bad_input HOME_LOGGED_IN DOWN_URL GARBAGE_URL SCRATCH_DIR
 *   HOME_LOGGED_IN: a profile msgc logged in (the same profile format);
 *   DOWN_URL: nothing listens there; GARBAGE_URL: answers nonsense. */
#define _POSIX_C_SOURCE 200809L
#include <msgcenter/msgcenter.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;

#define CHECK(cond, ...)                            \
  do {                                              \
    if (!(cond)) {                                  \
      fprintf(stderr, "FAIL line %d: ", __LINE__);  \
      fprintf(stderr, __VA_ARGS__);                 \
      fprintf(stderr, "\n");                        \
      ++failures;                                   \
    }                                               \
  } while (0)

/* Calls op and checks the status and that the error names `code`. */
static void expect_error(mc_client* c, const char* op, const char* request, int status, const char* code) {
  char* answer = NULL;
  int rc = mc_call(c, op, request, &answer);
  CHECK(rc == status, "%s %.80s: status %d, want %d (%s)", op ? op : "(null)", request ? request : "(null)", rc,
        status, answer ? answer : "");
  CHECK(answer && strstr(answer, "\"error\":{") != NULL, "%s: no error object: %s", op ? op : "(null)",
        answer ? answer : "(null)");
  if (code && answer) {
    char want[128];
    snprintf(want, sizeof want, "\"code\":\"%s\"", code);
    CHECK(strstr(answer, want) != NULL, "%s: want code %s, got %s", op ? op : "(null)", code, answer);
  }
  mc_free(answer);
}

static mc_client* client_for(const char* home, const char* server) {
  char config[2048], *error = NULL;
  if (server) snprintf(config, sizeof config, "{\"home\": \"%s\", \"server\": \"%s\"}", home, server);
  else snprintf(config, sizeof config, "{\"home\": \"%s\"}", home);
  mc_client* c = mc_client_new(config, &error);
  CHECK(c != NULL, "mc_client_new(%s): %s", config, error ? error : "");
  mc_free(error);
  return c;
}

static void bad_configs(const char* scratch) {
  char* error = NULL;
  char config[2048];
  CHECK(mc_client_new(NULL, &error) == NULL, "NULL config made a client");
  CHECK(error && strstr(error, "null_argument"), "NULL config: %s", error ? error : "(null)");
  mc_free(error);
  CHECK(mc_client_new(NULL, NULL) == NULL, "NULL config, NULL error made a client");
  const char* bad[] = {"", "not json", "[1, 2]", "{\"home\": 5}", "{}", "{\"home\": \"\"}",
                       "{\"home\": \"/tmp/x\", \"colour\": \"red\"}", "{\"home\": \"/tmp/x\", \"server\": \"ftp://h\"}",
                       "{\"home\": \"/tmp/x\", \"server\": \"https://h\"}", "{\"home\": \"/tmp/x\""};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
    error = NULL;
    mc_client* c = mc_client_new(bad[i], &error);
    CHECK(c == NULL, "config %s made a client", bad[i]);
    CHECK(error && strstr(error, "\"error\":{"), "config %s: no error: %s", bad[i], error ? error : "(null)");
    mc_client_free(c);
    mc_free(error);
  }
  /* A home that cannot be a directory (a file is in the way). */
  snprintf(config, sizeof config, "{\"home\": \"%s/a-file/home\"}", scratch);
  char path[1024];
  snprintf(path, sizeof path, "%s/a-file", scratch);
  FILE* f = fopen(path, "w");
  if (f) fclose(f);
  error = NULL;
  CHECK(mc_client_new(config, &error) == NULL, "a home under a file made a client");
  mc_free(error);
}

static void bad_calls(mc_client* c) {
  char* answer = (char*)1;
  CHECK(mc_call(NULL, "whoami", NULL, &answer) == MC_ERR_INVALID_ARGUMENT, "NULL client");
  CHECK(answer && strstr(answer, "null_argument"), "NULL client: %s", answer ? answer : "(null)");
  mc_free(answer);
  expect_error(c, NULL, "{}", MC_ERR_INVALID_ARGUMENT, "null_argument");
  CHECK(mc_call(c, "status", NULL, NULL) == MC_OK, "status with no answer pointer");
  CHECK(mc_call(c, "nope", NULL, NULL) == MC_ERR_NOT_FOUND, "unknown op with no answer pointer");
  expect_error(c, "no_such_operation", "{}", MC_ERR_NOT_FOUND, "unknown_operation");
  expect_error(c, "", "{}", MC_ERR_NOT_FOUND, "unknown_operation");
  expect_error(c, "catalog", "{", MC_ERR_INVALID_ARGUMENT, "malformed_json");
  expect_error(c, "catalog", "[]", MC_ERR_INVALID_ARGUMENT, "malformed_json");
  expect_error(c, "catalog", "\"text\"", MC_ERR_INVALID_ARGUMENT, "malformed_json");
  expect_error(c, "catalog", "{\"limit\": \"ten\"}", MC_ERR_INVALID_ARGUMENT, "invalid_field");
  expect_error(c, "catalog", "{\"limit\": 1e300}", MC_ERR_INVALID_ARGUMENT, "invalid_field");
  expect_error(c, "catalog", "{\"limit\": 2.5}", MC_ERR_INVALID_ARGUMENT, "invalid_field");
  expect_error(c, "catalog", "{\"limit\": -1}", MC_ERR_INVALID_ARGUMENT, "invalid_field");
  expect_error(c, "catalog", "{\"limit\": 18446744073709551615}", MC_ERR_INVALID_ARGUMENT, "invalid_field");
  expect_error(c, "catalog", "{\"type\": [\"novel\"]}", MC_ERR_INVALID_ARGUMENT, "invalid_field");
  expect_error(c, "share", "{\"resource_id\": 7, \"to\": [\"bob\"]}", MC_ERR_INVALID_ARGUMENT, "invalid_field");
  expect_error(c, "share", "{\"resouce_id\": \"r_1\"}", MC_ERR_INVALID_ARGUMENT, "unknown_field");
  expect_error(c, "share", "{\"resource_id\": \"r_1\", \"to\": \"bob\"}", MC_ERR_INVALID_ARGUMENT, "invalid_field");
  expect_error(c, "share", "{\"resource_id\": \"r_1\", \"to\": [1]}", MC_ERR_INVALID_ARGUMENT, "invalid_field");
  expect_error(c, "get", "{}", MC_ERR_INVALID_ARGUMENT, "missing_field");
  expect_error(c, "get", "{\"id\": null}", MC_ERR_INVALID_ARGUMENT, "missing_field");
  expect_error(c, "settings", "{\"receipts\": \"on\"}", MC_ERR_INVALID_ARGUMENT, "invalid_field");
  expect_error(c, "group", "{\"action\": \"explode\", \"name\": \"g\"}", MC_ERR_INVALID_ARGUMENT, "invalid_field");
  expect_error(c, "group", "{\"action\": \"create\"}", MC_ERR_INVALID_ARGUMENT, "missing_field");
  expect_error(c, "inbox", "{\"after\": {}}", MC_ERR_INVALID_ARGUMENT, "invalid_field");
  expect_error(c, "login", "{\"network_id\": \"x\"}", MC_ERR_INVALID_ARGUMENT, "missing_field");
  /* Invalid UTF-8 and NUL-free binary noise. */
  expect_error(c, "catalog", "{\"type\": \"\xff\xfe\"}", MC_ERR_INVALID_ARGUMENT, "malformed_json");
  expect_error(c, "whoami", "\x01\x02\x03", MC_ERR_INVALID_ARGUMENT, "malformed_json");
  /* Deep nesting and a request over the size limit. */
  size_t depth = 100000;
  char* deep = malloc(2 * depth + 1);
  for (size_t i = 0; i < depth; ++i) deep[i] = '[';
  for (size_t i = 0; i < depth; ++i) deep[depth + i] = ']';
  deep[2 * depth] = '\0';
  expect_error(c, "catalog", deep, MC_ERR_INVALID_ARGUMENT, "malformed_json");
  free(deep);
  size_t big = (2u << 20);
  char* large = malloc(big + 1);
  memset(large, ' ', big);
  large[0] = '{';
  large[big - 1] = '}';
  large[big] = '\0';
  expect_error(c, "catalog", large, MC_ERR_TOO_LARGE, "request_too_large");
  free(large);
  /* Events: NULL arguments, and a timeout with nothing to say. */
  char* event = (char*)1;
  CHECK(mc_next_event(NULL, 0, &event) < 0, "NULL client gave an event");
  mc_free(event);
  CHECK(mc_next_event(c, 0, NULL) < 0, "NULL event pointer");
  event = (char*)1;
  CHECK(mc_next_event(c, 10, &event) == 0 && event == NULL, "an event from nowhere");
  CHECK(mc_set_event_callback(NULL, NULL, NULL) < 0, "NULL client took a callback");
  mc_cancel(NULL);
  mc_free(NULL);
  mc_client_free(NULL);
}

static void unreachable(const char* home, const char* url, const char* what) {
  mc_client* c = client_for(home, url);
  if (!c) return;
  for (int i = 0; i < 3; ++i) {
    char* answer = NULL;
    int rc = mc_call(c, i == 0 ? "whoami" : i == 1 ? "catalog" : "inbox", "{}", &answer);
    CHECK(rc != MC_OK, "%s: call %d succeeded: %s", what, i, answer ? answer : "");
    CHECK(answer && strstr(answer, "\"error\":{"), "%s: no error object", what);
    mc_free(answer);
  }
  char* answer = NULL;
  CHECK(mc_call(c, "status", NULL, &answer) == MC_OK, "%s: status needs no server", what);
  mc_free(answer);
  mc_client_free(c);
}

/* ---- many threads on one client ---------------------------------------- */

struct shared {
  mc_client* c;
  atomic_int ok;
  atomic_int cancelled;
  atomic_int wrong;
  atomic_int events;
};

static void* hammer(void* arg) {
  struct shared* s = arg;
  const char* ops[] = {"whoami", "catalog", "status", "inbox", "settings"};
  for (int i = 0; i < 40; ++i) {
    char* answer = NULL;
    int rc = mc_call(s->c, ops[i % 5], i % 5 == 1 ? "{\"limit\": 5}" : NULL, &answer);
    if (rc == MC_OK && answer && answer[0] == '{') atomic_fetch_add(&s->ok, 1);
    else if (rc == MC_ERR_CANCELLED && answer && strstr(answer, "\"code\":\"cancelled\"")) atomic_fetch_add(&s->cancelled, 1);
    else {
      fprintf(stderr, "thread call %s: %d %s\n", ops[i % 5], rc, answer ? answer : "(null)");
      atomic_fetch_add(&s->wrong, 1);
    }
    mc_free(answer);
  }
  return NULL;
}

static void run_threads(struct shared* s, int n, int cancels) {
  pthread_t t[16];
  for (int i = 0; i < n; ++i) pthread_create(&t[i], NULL, hammer, s);
  for (int i = 0; i < cancels; ++i) {
    mc_cancel(s->c);
    struct timespec ts = {0, 2000000};
    nanosleep(&ts, NULL);
  }
  for (int i = 0; i < n; ++i) pthread_join(t[i], NULL);
}

static void on_event(const char* event_json, void* user) {
  struct shared* s = user;
  if (strstr(event_json, "\"type\":\"connection\"")) atomic_fetch_add(&s->events, 1);
}

/* A callback that frees its own client on the first event. */
struct self_free {
  mc_client* c;
  atomic_int freed;
};

static void free_from_callback(const char* event_json, void* user) {
  struct self_free* f = user;
  (void)event_json;
  if (atomic_exchange(&f->freed, 1) == 0) mc_client_free(f->c);
}

static void threads_and_callbacks(const char* home) {
  struct shared s;
  s.c = client_for(home, NULL);
  if (!s.c) return;
  atomic_init(&s.ok, 0);
  atomic_init(&s.cancelled, 0);
  atomic_init(&s.wrong, 0);
  atomic_init(&s.events, 0);
  run_threads(&s, 8, 0);
  CHECK(atomic_load(&s.ok) == 8 * 40 && atomic_load(&s.wrong) == 0, "8 threads: %d ok, %d wrong",
        atomic_load(&s.ok), atomic_load(&s.wrong));
  atomic_store(&s.ok, 0);
  run_threads(&s, 4, 50);
  CHECK(atomic_load(&s.wrong) == 0, "with cancels: %d wrong", atomic_load(&s.wrong));
  CHECK(atomic_load(&s.ok) + atomic_load(&s.cancelled) == 4 * 40, "with cancels: %d ok + %d cancelled",
        atomic_load(&s.ok), atomic_load(&s.cancelled));
  char* answer = NULL;
  CHECK(mc_call(s.c, "whoami", NULL, &answer) == MC_OK, "whoami after cancels: %s", answer ? answer : "");
  mc_free(answer);

  /* Events through the callback: following reports its connection. */
  CHECK(mc_set_event_callback(s.c, on_event, &s) == 0, "set callback");
  CHECK(mc_call(s.c, "follow", NULL, NULL) == MC_OK, "follow");
  expect_error(s.c, "follow", NULL, MC_ERR_ALREADY_EXISTS, "already_following");
  for (int i = 0; i < 100 && atomic_load(&s.events) < 2; ++i) {
    struct timespec ts = {0, 20000000};
    nanosleep(&ts, NULL);
  }
  CHECK(atomic_load(&s.events) >= 2, "callback saw %d connection events", atomic_load(&s.events));
  char* event = NULL;
  CHECK(mc_next_event(s.c, 0, &event) < 0, "mc_next_event while a callback is set");
  CHECK(event && strstr(event, "event_handler_set"), "callback set: %s", event ? event : "(null)");
  mc_free(event);
  CHECK(mc_set_event_callback(s.c, NULL, NULL) == 0, "unset callback");
  /* Freed while following and with a callback thread: must stop cleanly. */
  mc_client_free(s.c);

  /* Freed from inside its own callback, while following. */
  struct self_free f;
  f.c = client_for(home, NULL);
  if (!f.c) return;
  atomic_init(&f.freed, 0);
  CHECK(mc_set_event_callback(f.c, free_from_callback, &f) == 0, "set self-freeing callback");
  CHECK(mc_call(f.c, "follow", NULL, NULL) == MC_OK, "follow before freeing from the callback");
  for (int i = 0; i < 250 && !atomic_load(&f.freed); ++i) {
    struct timespec ts = {0, 20000000};
    nanosleep(&ts, NULL);
  }
  CHECK(atomic_load(&f.freed) == 1, "the callback never ran");
  struct timespec ts = {0, 200000000};  /* the event thread ends after the callback returns */
  nanosleep(&ts, NULL);
}

int main(int argc, char** argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s HOME_LOGGED_IN DOWN_URL GARBAGE_URL SCRATCH_DIR\n", argv[0]);
    return 2;
  }
  bad_configs(argv[4]);
  mc_client* c = client_for(argv[1], NULL);
  if (c) {
    bad_calls(c);
    mc_client_free(c);
  }
  char home[1024];
  snprintf(home, sizeof home, "%s/down", argv[4]);
  unreachable(home, argv[2], "server down");
  /* The logged-in profile, pointed at a server that answers garbage. */
  unreachable(argv[1], argv[3], "garbage server");
  threads_and_callbacks(argv[1]);
  if (failures) {
    fprintf(stderr, "%d checks failed\n", failures);
    return 1;
  }
  printf("all bad input handled\n");
  return 0;
}
