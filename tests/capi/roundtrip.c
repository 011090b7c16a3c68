/* A C11 app embedding the message center through libmsgcenter.so: log in,
 * list the catalog, follow the inbox live, receive a share that someone
 * else sends (tests/e2e/test_capi.py sends it with msgc once this program
 * prints READY), and download it. No C++ in sight.
 *
 * Usage: capi_roundtrip SERVER_URL HOME NETWORK_ID PASSWORD OUT_FILE
 * Prints one line per step; exits 0 only when every step worked. */
#include <msgcenter/msgcenter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failed(const char* step, int rc, char* answer) {
  fprintf(stderr, "%s failed (%d): %s\n", step, rc, answer ? answer : "(no answer)");
  mc_free(answer);
  return 1;
}

/* The string value of the first "key":"..." in json, copied into out.
 * (The values this program reads are ids and digests: no escapes.) */
static int string_field(const char* json, const char* key, char* out, size_t size) {
  char pattern[64];
  snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
  const char* p = strstr(json, pattern);
  if (!p) return 0;
  p += strlen(pattern);
  const char* end = strchr(p, '"');
  if (!end || (size_t)(end - p) >= size) return 0;
  memcpy(out, p, (size_t)(end - p));
  out[end - p] = '\0';
  return 1;
}

/* Builds a JSON string literal of s (quotes and backslashes escaped). */
static void quoted(const char* s, char* out, size_t size) {
  size_t n = 0;
  out[n++] = '"';
  for (; *s && n + 3 < size; ++s) {
    if (*s == '"' || *s == '\\') out[n++] = '\\';
    out[n++] = *s;
  }
  out[n++] = '"';
  out[n] = '\0';
}

int main(int argc, char** argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: %s SERVER_URL HOME NETWORK_ID PASSWORD OUT_FILE\n", argv[0]);
    return 2;
  }
  char server[1024], home[1024], id[256], password[256], out_file[1024], buf[4096];
  quoted(argv[1], server, sizeof server);
  quoted(argv[2], home, sizeof home);
  quoted(argv[3], id, sizeof id);
  quoted(argv[4], password, sizeof password);
  quoted(argv[5], out_file, sizeof out_file);
  printf("version %s\n", mc_version());

  char* answer = NULL;
  snprintf(buf, sizeof buf, "{\"server\": %s, \"home\": %s, \"device_name\": \"c11 round trip\"}", server, home);
  mc_client* c = mc_client_new(buf, &answer);
  if (!c) return failed("mc_client_new", -1, answer);

  snprintf(buf, sizeof buf, "{\"network_id\": %s, \"password\": %s}", id, password);
  int rc = mc_call(c, "login", buf, &answer);
  if (rc != MC_OK) return failed("login", rc, answer);
  printf("login %s\n", answer);
  mc_free(answer);

  rc = mc_call(c, "catalog", "{\"limit\": 10}", &answer);
  if (rc != MC_OK) return failed("catalog", rc, answer);
  int resources = 0;
  for (const char* p = answer; (p = strstr(p, "\"id\":\"r_")) != NULL; ++p) ++resources;
  printf("catalog %d\n", resources);
  mc_free(answer);

  rc = mc_call(c, "follow", NULL, &answer);
  if (rc != MC_OK) return failed("follow", rc, answer);
  mc_free(answer);
  printf("READY\n");
  fflush(stdout);

  /* Events until the share arrives: connection states come first. */
  char item_id[128] = "", resource_id[128] = "";
  for (int waited = 0; waited < 60 && !item_id[0];) {
    char* event = NULL;
    int got = mc_next_event(c, 1000, &event);
    if (got < 0) return failed("mc_next_event", got, event);
    if (got == 0) {
      ++waited;
      continue;
    }
    char type[32] = "";
    string_field(event, "type", type, sizeof type);
    printf("event %s\n", type);
    if (strcmp(type, "item") == 0) {
      const char* item = strstr(event, "\"item\":");
      const char* resource = strstr(event, "\"resource\":");
      if (!item || !resource || !string_field(item, "id", item_id, sizeof item_id) ||
          !string_field(resource, "id", resource_id, sizeof resource_id)) {
        return failed("reading the item event", 0, event);
      }
    }
    mc_free(event);
  }
  if (!item_id[0]) return failed("waiting for the share", 0, NULL);
  printf("item %s resource %s\n", item_id, resource_id);

  snprintf(buf, sizeof buf, "{\"id\": \"%s\", \"path\": %s}", item_id, out_file);
  rc = mc_call(c, "get", buf, &answer);
  if (rc != MC_OK) return failed("get", rc, answer);
  char path[1024], sha256[80];
  if (!string_field(answer, "path", path, sizeof path) || !string_field(answer, "sha256", sha256, sizeof sha256)) {
    return failed("reading the get answer", 0, answer);
  }
  printf("saved %s %s\n", path, sha256);
  mc_free(answer);

  rc = mc_call(c, "unfollow", NULL, &answer);
  if (rc != MC_OK) return failed("unfollow", rc, answer);
  mc_free(answer);
  mc_client_free(c);
  printf("done\n");
  return 0;
}
