"""msgcenter for Python: the message center through libmsgcenter.so, with
ctypes only (no compiled glue).

    import msgcenter
    with msgcenter.Client(home="/tmp/me", server="http://127.0.0.1:8080") as mc:
        mc.call("login", network_id="alice", password="...")
        for r in mc.call("catalog", limit=10)["resources"]:
            print(r["id"], r["title"])
        mc.call("follow")
        event = mc.next_event(timeout=30)

Every operation of docs/client-api.md is reachable through call(); errors
raise msgcenter.Error with the protocol's code. The library is found in
$MSGCENTER_LIB, else by the system's library search (libmsgcenter.so.0).
"""

import ctypes
import ctypes.util
import json
import os
import time

__all__ = ["Client", "Error", "library", "version"]

_lib = None


class Error(Exception):
    """An operation's error: `status` (mc_status), `code` (the protocol's
    machine code, e.g. "resource_not_found"), `kind` and `message`."""

    def __init__(self, status, code, message, kind=""):
        super().__init__("%s (%s)" % (message, code))
        self.status = status
        self.code = code
        self.message = message
        self.kind = kind


def library(path=None):
    """Loads libmsgcenter once and declares its functions."""
    global _lib
    if _lib is not None and path is None:
        return _lib
    path = path or os.environ.get("MSGCENTER_LIB") or ctypes.util.find_library("msgcenter") or "libmsgcenter.so.0"
    lib = ctypes.CDLL(path)
    out = ctypes.POINTER(ctypes.c_void_p)
    lib.mc_client_new.argtypes = [ctypes.c_char_p, out]
    lib.mc_client_new.restype = ctypes.c_void_p
    lib.mc_call.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, out]
    lib.mc_call.restype = ctypes.c_int
    lib.mc_next_event.argtypes = [ctypes.c_void_p, ctypes.c_int, out]
    lib.mc_next_event.restype = ctypes.c_int
    lib.mc_cancel.argtypes = [ctypes.c_void_p]
    lib.mc_cancel.restype = None
    lib.mc_free.argtypes = [ctypes.c_void_p]
    lib.mc_free.restype = None
    lib.mc_client_free.argtypes = [ctypes.c_void_p]
    lib.mc_client_free.restype = None
    lib.mc_version.argtypes = []
    lib.mc_version.restype = ctypes.c_char_p
    _lib = lib
    return lib


def version():
    return library().mc_version().decode()


def _take(lib, ptr):
    """The library's string at ptr, as text; frees it."""
    if not ptr.value:
        return None
    try:
        return ctypes.string_at(ptr.value).decode("utf-8")
    finally:
        lib.mc_free(ptr.value)


# enum mc_status, by the error's kind.
_STATUS = {"invalid_argument": 1, "failed_precondition": 2, "out_of_range": 3, "not_found": 4,
           "already_exists": 5, "permission_denied": 6, "unauthenticated": 7, "resource_exhausted": 8,
           "too_large": 9, "data_loss": 10, "unimplemented": 11, "unavailable": 12, "cancelled": 13,
           "internal": 14}


def _error(status, text):
    try:
        e = json.loads(text)["error"]
        kind = e.get("kind", "")
        return Error(status if status > 0 else _STATUS.get(kind, 14), e.get("code", ""), e.get("message", ""), kind)
    except (TypeError, ValueError, KeyError):
        return Error(status if status > 0 else 14, "internal", "the library gave no error description")


class Client:
    """One message center: a profile directory and the server it talks to.
    Safe to use from many threads at once; calls release the GIL."""

    def __init__(self, home, server=None, device_name=None, lib=None):
        self._lib = library(lib)
        config = {"home": home}
        if server:
            config["server"] = server
        if device_name:
            config["device_name"] = device_name
        err = ctypes.c_void_p()
        self._c = self._lib.mc_client_new(json.dumps(config).encode(), ctypes.byref(err))
        text = _take(self._lib, err)
        if not self._c:
            raise _error(-1, text)

    def call(self, operation, request=None, **fields):
        """Runs an operation; returns its answer (a dict) or raises Error.
        Fields come as a dict, as keyword arguments, or both."""
        body = dict(request or {})
        body.update(fields)
        answer = ctypes.c_void_p()
        status = self._lib.mc_call(self._handle(), operation.encode(), json.dumps(body).encode(),
                                   ctypes.byref(answer))
        text = _take(self._lib, answer)
        if status != 0:
            raise _error(status, text)
        return json.loads(text)

    def next_event(self, timeout=None):
        """The next event (a dict), or None after `timeout` seconds (None:
        wait until one comes). Waits in slices of a second, so that Ctrl-C
        (KeyboardInterrupt) gets through."""
        deadline = None if timeout is None else time.monotonic() + max(0.0, timeout)
        while True:
            left = 1.0 if deadline is None else min(1.0, max(0.0, deadline - time.monotonic()))
            event = ctypes.c_void_p()
            got = self._lib.mc_next_event(self._handle(), int(left * 1000), ctypes.byref(event))
            text = _take(self._lib, event)
            if got < 0:
                raise _error(-got, text)
            if got == 1:
                return json.loads(text)
            if deadline is not None and time.monotonic() >= deadline:
                return None

    def cancel(self):
        """Ends the calls running on this client now (Error code "cancelled")."""
        self._lib.mc_cancel(self._handle())

    def close(self):
        if self._c:
            self._lib.mc_client_free(self._c)
            self._c = None

    def _handle(self):
        if not self._c:
            raise Error(1, "client_closed", "this client was closed")
        return self._c

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown: the library may be gone
            pass
