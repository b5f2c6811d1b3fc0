// libcurl for Kawan's outbound provider calls. curl_easy_setopt and
// curl_easy_getinfo are variadic, which Swift cannot call, so each option
// type gets a typed static inline wrapper here.
#ifndef KAWAN_CCURL_SHIM_H
#define KAWAN_CCURL_SHIM_H
#include <curl/curl.h>

static inline CURLcode kawan_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode kawan_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode kawan_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode kawan_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}
typedef size_t (*kawan_curl_write_callback)(char *data, size_t size, size_t count, void *context);
static inline CURLcode kawan_curl_setopt_write_function(CURL *handle, CURLoption option, kawan_curl_write_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}
static inline CURLcode kawan_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
#endif
