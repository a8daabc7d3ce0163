/* gen_store.c: writes the generated term of tests/report/term_gen.c into a central store. */
#include <stdio.h>
#include <stdlib.h>

#include "term_gen.h"

int main(int argc, char **argv)
{
    ld_date until;
    struct gen_term t;
    if (argc != 4 || !ld_date_parse(argv[2], &until)) {
        fprintf(stderr, "usage: gen_store sqlite:PATH UNTIL(YYYY-MM-DD) PUPILS(0: the demo's)\n");
        return 2;
    }
    if (gen_term_build(argv[1], NULL, NULL, (size_t)atol(argv[3]), until, 20261120, &t))
        return 1;
    printf("%zu pupils, %zu events\n", t.npupils, t.nevents);
    gen_term_free(&t);
    return 0;
}
