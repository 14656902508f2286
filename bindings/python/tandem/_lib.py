"""ctypes declarations of libtandem's C ABI (include/tandem.h), and where the library is found."""
import ctypes
import ctypes.util
import os
import pathlib

SONAME = "libtandem.so.0"

TOKEN_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)
PII_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_size_t,
                          ctypes.c_void_p)


class ModelParams(ctypes.Structure):
    _fields_ = [("size", ctypes.c_uint32), ("n_ctx", ctypes.c_int32),
                ("n_threads", ctypes.c_int32), ("n_seq", ctypes.c_int32),
                ("chat_template", ctypes.c_char_p), ("tokenizer_path", ctypes.c_char_p)]


class ChatParams(ctypes.Structure):
    _fields_ = [("size", ctypes.c_uint32), ("temperature", ctypes.c_float),
                ("top_p", ctypes.c_float), ("top_k", ctypes.c_int32),
                ("max_tokens", ctypes.c_int32), ("seed", ctypes.c_uint64),
                ("system", ctypes.c_char_p)]


class ClientParams(ctypes.Structure):
    _fields_ = [("size", ctypes.c_uint32), ("commander_url", ctypes.c_char_p),
                ("api_key", ctypes.c_char_p), ("commander_model", ctypes.c_char_p),
                ("policy_path", ctypes.c_char_p), ("intent_model_path", ctypes.c_char_p),
                ("offline", ctypes.c_int32), ("connect_timeout_ms", ctypes.c_int32),
                ("first_byte_timeout_ms", ctypes.c_int32), ("stall_timeout_ms", ctypes.c_int32),
                ("probe_interval_ms", ctypes.c_int32), ("temperature", ctypes.c_float),
                ("max_tokens", ctypes.c_int32), ("seed", ctypes.c_uint64)]


class RouteInfo(ctypes.Structure):
    _fields_ = [("route", ctypes.c_int32), ("reason", ctypes.c_int32), ("ppl", ctypes.c_double),
                ("explain", ctypes.c_char * 256)]


def _candidates():
    env = os.environ.get("TANDEM_LIBRARY")
    if env:
        yield env
        return
    # Installed: <prefix>/share/tandem/python/tandem/_lib.py -> <prefix>/lib*/libtandem.so.0
    here = pathlib.Path(__file__).resolve().parent
    for up in list(here.parents)[:5]:
        for lib in [up / SONAME, *sorted(up.glob("lib*/" + SONAME)),
                    *sorted(up.glob("lib/*/" + SONAME))]:
            if lib.exists():
                yield str(lib)
    found = ctypes.util.find_library("tandem")
    if found:
        yield found


def load():
    tried = []
    for path in _candidates():
        try:
            return _declare(ctypes.CDLL(path))
        except OSError as e:
            tried.append(f"{path}: {e}")
    raise OSError("libtandem not found (set TANDEM_LIBRARY to its path); tried: " +
                  ("; ".join(tried) or "nothing"))


def _declare(lib):
    P, I, S, V = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p, None
    sigs = {
        "tandem_version": (S, []), "tandem_last_error": (S, []),
        "tandem_string_free": (V, [P]),
        "tandem_model_default_params": (ModelParams, []),
        "tandem_model_load": (P, [S, ctypes.POINTER(ModelParams)]),
        "tandem_model_free": (V, [P]), "tandem_model_n_ctx": (ctypes.c_int32, [P]),
        "tandem_model_trim_memory": (I, [P, I]),
        "tandem_complete": (I, [P, S, I, ctypes.c_float, TOKEN_FN, P]),
        "tandem_chat_default_params": (ChatParams, []),
        "tandem_chat_new": (P, [P, ctypes.POINTER(ChatParams)]),
        "tandem_chat_free": (V, [P]),
        "tandem_chat_send": (I, [P, S, S, TOKEN_FN, P]),
        "tandem_chat_add": (I, [P, S, S]), "tandem_chat_last_reply": (S, [P]), "tandem_chat_reset": (I, [P]),
        "tandem_privacy_scan": (I, [S, PII_FN, P]),
        "tandem_masker_new": (P, []), "tandem_masker_free": (V, [P]),
        "tandem_masker_mask": (P, [P, S]), "tandem_masker_unmask": (P, [P, S]),
        "tandem_client_default_params": (ClientParams, []),
        "tandem_client_new": (P, [P, ctypes.POINTER(ClientParams)]),
        "tandem_client_free": (V, [P]),
        "tandem_client_send": (I, [P, S, S, TOKEN_FN, P]),
        "tandem_client_last_reply": (S, [P]),
        "tandem_client_last_route": (I, [P, ctypes.POINTER(RouteInfo)]),
        "tandem_client_set_offline": (I, [P, I]), "tandem_client_trim_memory": (I, [P, I]),
        "tandem_client_reset": (I, [P]),
        "tandem_route": (I, [P, S, ctypes.POINTER(RouteInfo)]),
    }
    for name, (res, args) in sigs.items():
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = res, args
    return lib
