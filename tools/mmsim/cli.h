/*
 * cli.h - what the pieces of the mmsim command share.
 *
 * The command uses only the public API (mmsim/mmsim.h), like any C user
 * of libmmsim would: if the command needs something, the API needs it.
 *
 * Exit status: 0 success; 1 the machine failed (boot, a view); 2 the
 * command line was wrong (unknown option, bad value, unknown file).
 */
#ifndef MMSIM_CLI_H
#define MMSIM_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "mmsim/mmsim.h"

#define EXIT_MACHINE	1
#define EXIT_USAGE	2

/*
 * If argv[*i] is a machine option, apply it to cfg (consuming its value,
 * which may be the next word or follow '='), advance *i past it and return
 * 1. Return 0 when it is not an option, or EXIT_USAGE-style -1 after
 * printing the reason when it is a bad or unknown one.
 */
int cli_machine_option(mmsim_config *cfg, int argc, char **argv, int *i);
/* Print the machine options' help block. */
void cli_machine_options_help(FILE *out);
/* Boot cfg or print why not; NULL on failure. */
mmsim_machine *cli_boot(const mmsim_config *cfg, const char *who);

/* A machine option as applied: the mmsim_config_set() key and its text. */
struct cli_setting {
	const char *key;
	const char *value;
};
/* Every machine option cli_machine_option() applied so far, in order. */
const struct cli_setting *cli_settings(size_t *n);

int cmd_show(mmsim_config *cfg, int argc, char **argv);
int cmd_run(mmsim_config *cfg, int argc, char **argv);
int cmd_scenarios(int argc, char **argv);
int cmd_demo(const mmsim_config *cfg, bool user_options);
/* replay (issue 6): Valgrind lackey traces through the MMU. */
int cmd_replay(mmsim_config *cfg, int argc, char **argv);
/* proctools: interactive Lua (repl.c) */
int cmd_repl(mmsim_config *cfg, int argc, char **argv);

#endif
