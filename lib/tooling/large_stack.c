/*===-- large_stack.c - Running a tool's main on a large stack ------------===*
 *
 * MLIR parses, verifies, prints and destroys nested regions recursively: a
 * generated model with 20,000 nested regions overflows the usual 8 MiB main
 * thread stack (stock mlir-opt dies with SIGSEGV). Our tools run their real
 * main on a thread whose stack is reserved large (1 GiB by default; only the
 * pages touched are ever committed), and refuse inputs nested deeper than
 * that stack can take with an error naming the limit (cim-c/Tooling.h,
 * cimCheckNestingDepth). CIM_STACK_BYTES overrides the size.
 *===----------------------------------------------------------------------===*/

#define _GNU_SOURCE

#include "cim-c/Tooling.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/FileIO.h"

typedef struct MainCall {
  int (*main)(int, char **);
  int argc;
  char **argv;
  int result;
} MainCall;

/* The process exits from the thread: a tool's thread never ends by
 * returning, so no thread-exit destructor runs after main's work (ASan's,
 * which cannot unmap the alternate signal stack LLVM installs on the thread,
 * aborted there). exit() runs the atexit handlers and flushes stdio. */
static void *runMain(void *p) {
  MainCall *call = p;
  exit(call->main(call->argc, call->argv));
}

uint64_t cimGetStackBytes(void) {
  return cimByteLimitFromEnvironment("CIM_STACK_BYTES", (uint64_t)1 << 30);
}

int cimRunMainWithLargeStack(int (*mainFunction)(int, char **), int argc,
                             char **argv) {
  MainCall call = {mainFunction, argc, argv, 1};
  pthread_attr_t attr;
  pthread_t thread;
  uint64_t bytes = cimGetStackBytes();
  if (bytes < (uint64_t)16 << 20)
    bytes = (uint64_t)16 << 20;
  if (pthread_attr_init(&attr) == 0 &&
      pthread_attr_setstacksize(&attr, (size_t)bytes) == 0 &&
      pthread_create(&thread, &attr, runMain, &call) == 0) {
    pthread_attr_destroy(&attr);
    pthread_join(thread, NULL); /* never returns: the thread exits */
    return call.result;
  }
  /* No thread (a tiny address space): run on this stack; the nesting check
   * then uses the same size, which is the caller's risk. */
  return mainFunction(argc, argv);
}

/// Stack bytes allowed per level of nesting. Stock mlir-opt 22 parses and
/// prints 2,000 nested scf.execute_region ops on its 8 MiB stack and dies at
/// 4,000: about 2.8 KiB per level. 8 KiB leaves a margin of ~3x for our
/// passes' walks and for sanitizer builds; 1 GiB then takes 131,072 levels.
enum { STACK_BYTES_PER_LEVEL = 8192 };

int64_t cimGetMaxNestingDepth(void) {
  return (int64_t)(cimGetStackBytes() / STACK_BYTES_PER_LEVEL);
}

bool cimCheckNestingDepth(MlirStringRef text, int64_t limit, unsigned *line) {
  int64_t depth = 0;
  unsigned currentLine = 1;
  for (size_t i = 0; i < text.length; ++i) {
    char c = text.data[i];
    if (c == '\n') {
      ++currentLine;
    } else if (c == '"') {
      /* One pass over the string (weights' hex strings are most of a
       * large input): lines counted on the way. */
      size_t k = i + 1;
      for (; k < text.length && text.data[k] != '"'; ++k) {
        if (text.data[k] == '\\' && k + 1 < text.length)
          ++k;
        currentLine += text.data[k] == '\n';
      }
      i = k < text.length ? k : text.length - 1;
    } else if (c == '/' && i + 1 < text.length && text.data[i + 1] == '/') {
      while (i + 1 < text.length && text.data[i + 1] != '\n')
        ++i;
    } else if (c == '{' || c == '(' || c == '[') {
      if (++depth > limit) {
        if (line)
          *line = currentLine;
        return false;
      }
    } else if ((c == '}' || c == ')' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return true;
}
