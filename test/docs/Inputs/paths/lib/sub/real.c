/* real.c: sibling of other.c; see lib/sub/real.c and README.md.
 * The checker used to live in checker_verify.c, which is gone.
 * Usage: tool FILE.json p.npy */
int real;
