/* commands.h — the entry point of each `wick COMMAND`. Each returns the
 * process exit status: 0, 1 for run-time errors, 2 for usage errors (or
 * the child's status for `run`). */
#ifndef WICK_COMMANDS_H
#define WICK_COMMANDS_H

#define EXIT_USAGE 2

int cmd_activate(int argc, char **argv);
int cmd_cat(int argc, char **argv);
int cmd_generate(int argc, char **argv);

#endif
