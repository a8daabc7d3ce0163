/* cmd_analyse.c: placeholder while the core lands (replaced in the same series of commits). */
#include <stdio.h>

#include "commands.h"

int ld_cmd_analyse(int argc, char **argv)
{
    fprintf(stderr, "latedoor analyse: not built yet\n");
    return LD_EXIT_FAIL;
}
