"""Prints a module with DEPTH nested scf.execute_region ops (deep-nesting.test)."""
import sys

depth = int(sys.argv[1])
print("module {\n  func.func @f() {")
print("  scf.execute_region {\n" * depth, end="")
print("  scf.yield\n  }\n" * depth, end="")
print("  return\n  }\n}")
