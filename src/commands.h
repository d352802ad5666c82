/* commands.h — the entry point of each `wick COMMAND`. Each returns the
 * process exit status: 0, 1 for run-time errors, 2 for usage errors (or
 * the child's status for `run`). */
#ifndef WICK_COMMANDS_H
#define WICK_COMMANDS_H

#define EXIT_USAGE 2

int cmd_activate(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_cat(int argc, char **argv);
int cmd_generate(int argc, char **argv);
int cmd_start(int argc, char **argv);
int cmd_unit_stop(int argc, char **argv); /* `wick stop UNIT.socket` */
/* `wick stop`: units (NAME.socket) to cmd_unit_stop, sandboxes to cmd_stop */
int cmd_stop_any(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_list_sockets(int argc, char **argv);

/* Prints the one-line error for an unknown option or a missing value,
 * after getopt_long (with opterr = 0) returned '?'. */
int command_bad_option(const char *cmd, char **argv, int optopt_);

#endif
