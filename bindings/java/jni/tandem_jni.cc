// JNI over libtandem's C ABI (include/tandem.h) for the dev.tandem Java classes. Strings cross
// as NUL-terminated UTF-8 byte arrays; handles as jlong. Token callbacks call Sink.piece on
// the calling thread; a Java exception in it stops the reply and is rethrown to the caller.
#include <jni.h>
#include <tandem.h>

#include <string>
#include <vector>

namespace {

// A byte[] (NUL-terminated by the Java side) as a C string; null stays null.
class Utf8 {
 public:
  Utf8(JNIEnv* env, jbyteArray a) {
    if (!a) return;
    const jsize n = env->GetArrayLength(a);
    bytes_.resize(static_cast<size_t>(n) + 1, '\0');
    env->GetByteArrayRegion(a, 0, n, reinterpret_cast<jbyte*>(bytes_.data()));
    null_ = false;
  }
  const char* c_str() const { return null_ ? nullptr : bytes_.data(); }

 private:
  std::vector<char> bytes_;
  bool null_ = true;
};

jbyteArray bytes(JNIEnv* env, const char* s) {
  if (!s) return nullptr;
  const auto n = static_cast<jsize>(std::char_traits<char>::length(s));
  jbyteArray a = env->NewByteArray(n);
  if (a) env->SetByteArrayRegion(a, 0, n, reinterpret_cast<const jbyte*>(s));
  return a;
}

jbyteArray take(JNIEnv* env, char* s) {  // a string the library allocated
  jbyteArray a = bytes(env, s);
  tandem_string_free(s);
  return a;
}

struct Callback {
  JNIEnv* env;
  jobject sink;
  jmethodID piece;
};

int on_token(const char* piece, void* user) {
  auto* cb = static_cast<Callback*>(user);
  jbyteArray a = bytes(cb->env, piece);
  const jboolean go_on = cb->env->CallBooleanMethod(cb->sink, cb->piece, a);
  cb->env->DeleteLocalRef(a);
  if (cb->env->ExceptionCheck()) return 1;  // stop; the exception reaches the caller
  return go_on ? 0 : 1;
}

Callback callback(JNIEnv* env, jobject sink) {
  jclass cls = env->GetObjectClass(sink);
  return {env, sink, env->GetMethodID(cls, "piece", "([B)Z")};
}

template <class T>
T* handle(jlong h) {
  return reinterpret_cast<T*>(static_cast<intptr_t>(h));
}
jlong to_jlong(const void* p) {
  return static_cast<jlong>(reinterpret_cast<intptr_t>(p));
}

jbyteArray route_out(JNIEnv* env, int rc, const tandem_route_info& info, jintArray kind,
                     jdoubleArray ppl) {
  if (rc != TANDEM_OK) return nullptr;
  const jint k[2] = {info.route, info.reason};
  env->SetIntArrayRegion(kind, 0, 2, k);
  env->SetDoubleArrayRegion(ppl, 0, 1, &info.ppl);
  return bytes(env, info.explain);
}

}  // namespace

#define JNI_FN(ret, name) extern "C" JNIEXPORT ret JNICALL Java_dev_tandem_Native_##name

JNI_FN(jbyteArray, version)(JNIEnv* env, jclass) {
  return bytes(env, tandem_version());
}
JNI_FN(jbyteArray, lastError)(JNIEnv* env, jclass) {
  return bytes(env, tandem_last_error());
}

JNI_FN(jlong, modelLoad)
(JNIEnv* env, jclass, jbyteArray path, jint n_ctx, jint n_threads, jint n_seq,
 jbyteArray chat_template) {
  const Utf8 p(env, path), t(env, chat_template);
  tandem_model_params mp = tandem_model_default_params();
  mp.n_ctx = n_ctx;
  mp.n_threads = n_threads;
  mp.n_seq = n_seq;
  mp.chat_template = t.c_str();
  return to_jlong(tandem_model_load(p.c_str(), &mp));
}
JNI_FN(void, modelFree)(JNIEnv*, jclass, jlong m) {
  tandem_model_free(handle<tandem_model>(m));
}
JNI_FN(jint, modelNCtx)(JNIEnv*, jclass, jlong m) {
  return tandem_model_n_ctx(handle<tandem_model>(m));
}
JNI_FN(jint, modelTrimMemory)(JNIEnv*, jclass, jlong m, jint level) {
  return tandem_model_trim_memory(handle<tandem_model>(m), level);
}
JNI_FN(jint, complete)
(JNIEnv* env, jclass, jlong m, jbyteArray prompt, jint max_tokens, jfloat temperature,
 jobject sink) {
  const Utf8 p(env, prompt);
  Callback cb = callback(env, sink);
  return tandem_complete(handle<tandem_model>(m), p.c_str(), max_tokens, temperature, on_token,
                         &cb);
}

JNI_FN(jlong, chatNew)
(JNIEnv* env, jclass, jlong m, jfloat temperature, jint max_tokens, jlong seed, jbyteArray system) {
  const Utf8 s(env, system);
  tandem_chat_params cp = tandem_chat_default_params();
  cp.temperature = temperature;
  cp.max_tokens = max_tokens;
  cp.seed = static_cast<uint64_t>(seed);
  cp.system = s.c_str();
  return to_jlong(tandem_chat_new(handle<tandem_model>(m), &cp));
}
JNI_FN(void, chatFree)(JNIEnv*, jclass, jlong c) {
  tandem_chat_free(handle<tandem_chat>(c));
}
JNI_FN(jint, chatSend)
(JNIEnv* env, jclass, jlong c, jbyteArray role, jbyteArray content, jobject sink) {
  const Utf8 r(env, role), t(env, content);
  Callback cb = callback(env, sink);
  return tandem_chat_send(handle<tandem_chat>(c), r.c_str(), t.c_str(), on_token, &cb);
}
JNI_FN(jint, chatAdd)(JNIEnv* env, jclass, jlong c, jbyteArray role, jbyteArray content) {
  const Utf8 r(env, role), t(env, content);
  return tandem_chat_add(handle<tandem_chat>(c), r.c_str(), t.c_str());
}

namespace {
struct ScanSink {
  JNIEnv* env;
  jobject sink;
  jmethodID match;
};
int on_match(const char* type, size_t begin, size_t end, void* user) {
  auto* s = static_cast<ScanSink*>(user);
  jbyteArray t = bytes(s->env, type);
  s->env->CallVoidMethod(s->sink, s->match, t, static_cast<jlong>(begin), static_cast<jlong>(end));
  s->env->DeleteLocalRef(t);
  return s->env->ExceptionCheck() ? 1 : 0;
}
}  // namespace

JNI_FN(jint, privacyScan)(JNIEnv* env, jclass, jbyteArray text, jobject sink) {
  const Utf8 t(env, text);
  ScanSink s{env, sink, env->GetMethodID(env->GetObjectClass(sink), "match", "([BJJ)V")};
  return tandem_privacy_scan(t.c_str(), on_match, &s);
}
JNI_FN(jlong, maskerNew)(JNIEnv*, jclass) {
  return to_jlong(tandem_masker_new());
}
JNI_FN(void, maskerFree)(JNIEnv*, jclass, jlong mk) {
  tandem_masker_free(handle<tandem_masker>(mk));
}
JNI_FN(jbyteArray, maskerMask)(JNIEnv* env, jclass, jlong mk, jbyteArray text) {
  const Utf8 t(env, text);
  return take(env, tandem_masker_mask(handle<tandem_masker>(mk), t.c_str()));
}
JNI_FN(jbyteArray, maskerUnmask)(JNIEnv* env, jclass, jlong mk, jbyteArray text) {
  const Utf8 t(env, text);
  return take(env, tandem_masker_unmask(handle<tandem_masker>(mk), t.c_str()));
}

JNI_FN(jlong, clientNew)
(JNIEnv* env, jclass, jlong m, jbyteArray url, jbyteArray key, jbyteArray policy, jbyteArray intent,
 jboolean offline, jint connect_ms, jint stall_ms, jint probe_ms, jfloat temperature,
 jint max_tokens) {
  const Utf8 u(env, url), k(env, key), p(env, policy), i(env, intent);
  tandem_client_params cp = tandem_client_default_params();
  cp.commander_url = u.c_str();
  cp.api_key = k.c_str();
  cp.policy_path = p.c_str();
  cp.intent_model_path = i.c_str();
  cp.offline = offline ? 1 : 0;
  cp.connect_timeout_ms = connect_ms;
  cp.stall_timeout_ms = stall_ms;
  cp.probe_interval_ms = probe_ms;
  cp.temperature = temperature;
  cp.max_tokens = max_tokens;
  return to_jlong(tandem_client_new(handle<tandem_model>(m), &cp));
}
JNI_FN(void, clientFree)(JNIEnv*, jclass, jlong c) {
  tandem_client_free(handle<tandem_client>(c));
}
JNI_FN(jint, clientSend)
(JNIEnv* env, jclass, jlong c, jbyteArray role, jbyteArray content, jobject sink) {
  const Utf8 r(env, role), t(env, content);
  Callback cb = callback(env, sink);
  return tandem_client_send(handle<tandem_client>(c), r.c_str(), t.c_str(), on_token, &cb);
}
JNI_FN(jint, clientSetOffline)(JNIEnv*, jclass, jlong c, jboolean offline) {
  return tandem_client_set_offline(handle<tandem_client>(c), offline ? 1 : 0);
}
JNI_FN(jint, clientTrimMemory)(JNIEnv*, jclass, jlong c, jint level) {
  return tandem_client_trim_memory(handle<tandem_client>(c), level);
}
JNI_FN(jint, clientReset)(JNIEnv*, jclass, jlong c) {
  return tandem_client_reset(handle<tandem_client>(c));
}
JNI_FN(jbyteArray, clientLastRoute)
(JNIEnv* env, jclass, jlong c, jintArray kind, jdoubleArray ppl) {
  tandem_route_info info{};
  const int rc = tandem_client_last_route(handle<tandem_client>(c), &info);
  return route_out(env, rc, info, kind, ppl);
}
JNI_FN(jbyteArray, route)
(JNIEnv* env, jclass, jlong c, jbyteArray prompt, jintArray kind, jdoubleArray ppl) {
  const Utf8 p(env, prompt);
  tandem_route_info info{};
  const int rc = tandem_route(handle<tandem_client>(c), p.c_str(), &info);
  return route_out(env, rc, info, kind, ppl);
}
