/* unit_exec.h — command lines and environment as unit files write them:
 * quoting and escapes, ExecStart prefixes, $VAR expansion, env files. */
#ifndef WICK_UNIT_EXEC_H
#define WICK_UNIT_EXEC_H

#include <stdbool.h>
#include <stddef.h>

struct exec_command {
	char *path;	     /* the program (argv[0] unless '@' was used) */
	char **argv;	     /* NULL-terminated */
	bool ignore_failure; /* '-': a failing status is not an error */
	bool no_env_expand;  /* ':': no $VAR substitution */
	bool privileged;     /* '+', '!', '!!': accepted; wick has no
			      * privileges of its own to grant */
};

/* Splits the next word off *P: whitespace separates, "…" and '…' group,
 * backslash escapes as in C (\n \t \\ \" \' \s \xHH \NNN). *PLAIN tells
 * that the word used no quote or escape (a lone ';' separates commands
 * only then). Returns 1 with *WORD set, 0 at the end, -EINVAL on an
 * unterminated quote or bad escape, -ENOMEM. */
int exec_next_word(const char **p, char **word, bool *plain);

/* All words of TEXT, NULL-terminated. Returns 0 or -errno. */
int exec_split(const char *text, char ***words);

/* Parses one Exec*= value: one or more commands separated by a lone ';'.
 * Returns 0 and appends to *CMDS and *N, or -EINVAL (empty command, a
 * relative path with '/', bad quoting). */
int exec_parse(const char *text, struct exec_command **cmds, size_t *n);

void exec_command_free(struct exec_command *c);
void exec_commands_free(struct exec_command *cmds, size_t n);

/* Copies ARGV with ${NAME} replaced inside words and a word that is
 * exactly $NAME split into the words of its value; unset names expand
 * to nothing. ENV holds "NAME=VALUE" strings. */
char **exec_expand_env(char *const *argv, char *const *env);

/* Sets NAME=VALUE in *ENV (replacing an older NAME), copying ASSIGNMENT. */
int env_set(char ***env, size_t *n, const char *assignment);

/* true when TEXT is NAME=VALUE with a valid variable name. */
bool env_assignment_valid(const char *text);

/* Reads an EnvironmentFile: KEY=VALUE lines, '#'/';' comments, quotes,
 * backslash continuations. Appends to *ENV. Returns 0 or -errno; a line
 * that is not an assignment gives -EBADMSG with *BAD_LINE set. */
int env_file_read(const char *path, char ***env, size_t *n, unsigned *bad_line);

void strv_free(char **v);
size_t strv_length(char *const *v);

#endif
