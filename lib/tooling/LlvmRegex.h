/*===-- LlvmRegex.h - LLVM's regular expressions on regex.h (internal) ----===*/

/* mlir-opt's --verify-diagnostics matches `expected-*-re` payloads with
 * llvm::Regex; diagnostic_verifier.c uses the C library's regcomp instead,
 * after checking and translating each pattern with these. Implemented in
 * llvm_regex.c. */

#ifndef CIM_LIB_TOOLING_LLVMREGEX_H
#define CIM_LIB_TOOLING_LLVMREGEX_H

#include <stdbool.h>
#include <stddef.h>

#include "StrBuf.h"

/// Checks the extended regular expression `re` (`length` bytes, not
/// NUL-terminated) against the grammar of LLVM's regex engine. True when
/// LLVM accepts it; otherwise false with `*message` (when `message` is not
/// NULL) set to LLVM's regerror text for the first error, e.g.
/// "parentheses not balanced" (static storage).
bool cimLlvmRegexCheck(const char *re, size_t length, const char **message);

/// Appends `re` (valid for LLVM, per cimLlvmRegexCheck) to `out` so that the
/// C library's regcomp(REG_EXTENDED) reads it the way LLVM does.
void cimLlvmRegexToPosix(CimStrBuf *out, const char *re, size_t length);

/// llvm::Regex::escape: appends `text` to `out` with every regex
/// metacharacter escaped, so that it matches itself literally.
void cimLlvmRegexEscape(CimStrBuf *out, const char *text, size_t length);

#endif /* CIM_LIB_TOOLING_LLVMREGEX_H */
