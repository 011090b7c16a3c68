/* The public header is C99: this file is compiled with -std=c99 -Wpedantic
 * and links against the library (the build fails if either breaks). */
#include <msgcenter/msgcenter.h>
#include <stdio.h>

int main(void) {
  printf("%s\n", mc_version());
  return MC_OK;
}
