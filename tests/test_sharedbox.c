/* test_sharedbox — pins issue 13's "shared box" with real Unix users: the
 * test runs as root, creates a team group and three members (each with a
 * private primary group, as Debian's useradd makes them) and removes them
 * afterwards; without root or useradd it is skipped with the reason. Each
 * member runs with umask 077, the strictest a member may have.
 * Pinned: --shared in a directory without the setgid bit warns once with
 * the `chmod g+s` that fixes it (the directory's name, quotes and spaces in
 * it, pasted into sh, does fix it), and the database, -wal and -shm still
 * get the team's group and mode 0660; a second member writes; after -wal
 * and -shm were removed, the second member opening first re-creates them
 * for the team and the owner can still read and write. A member with read
 * access only (0640) gets the snapshot with a note saying the history cache
 * was kept in memory, no error, nothing written; their write is refused
 * with one line; the owner writes afterwards. Three members in a setgid
 * team directory doing 3 x 600 operations at once (feature add, list and
 * export, each with its own connection opened and closed) see no failure:
 * every add is there at the end (1 200 of them). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "context.h"
#include "helpers.h"
#include "util.h"

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NOW "--now=2026-03-01T12:00:00Z"
#define NMEMBERS 3
#define OPS_EACH 600 /* 3 x 600 = 1 800 operations; about 10 s on an idle 2-core box */

struct member {
	char name[32];
	uid_t uid;
	gid_t gid;
	char *home;
};

static char *dir;
static char team[32];
static gid_t team_gid;
static struct member members[NMEMBERS];
static bool made_users;
static const char *skip_reason;

static int admin(const char *fmt, const char *a, const char *b)
{
	char *cmd = xasprintf(fmt, a, b);
	/* useradd lives in /usr/sbin, which a test's PATH may lack */
	char *full = xasprintf("PATH=\"$PATH:/usr/sbin:/sbin\"; { %s; } >/dev/null 2>&1", cmd);
	int st = system(full);
	free(cmd);
	free(full);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void make_users(void)
{
	if (geteuid() != 0) {
		skip_reason = "needs root to create the team's Unix users (run make check as root)";
		return;
	}
	if (admin("command -v useradd && command -v groupadd%s%s", "", "") != 0) {
		skip_reason = "needs useradd and groupadd (Debian package passwd)";
		return;
	}
	int id = (int)(getpid() % 100000);
	snprintf(team, sizeof team, "sdt%dteam", id);
	if (admin("groupadd %s%s", team, "") != 0) {
		skip_reason = "groupadd failed";
		return;
	}
	made_users = true;
	team_gid = getgrnam(team)->gr_gid;
	for (int i = 0; i < NMEMBERS; i++) {
		struct member *m = &members[i];
		snprintf(m->name, sizeof m->name, "sdt%d%c", id, 'a' + i);
		/* -U: a private primary group, so a file takes the team's group only
		 * if something gives it */
		cr_assert_eq(admin("useradd -U -M -s /bin/sh -G %s %s", team, m->name), 0, "useradd");
		struct passwd *pw = getpwnam(m->name);
		cr_assert_not_null(pw);
		m->uid = pw->pw_uid;
		m->gid = pw->pw_gid;
		m->home = xasprintf("%s/home-%c", dir, 'a' + i);
		cr_assert_eq(mkdir(m->home, 0700), 0);
		cr_assert_eq(chown(m->home, m->uid, m->gid), 0);
	}
}

static void setup(void)
{
	dir = th_tmpdir();
	chmod(dir, 0755); /* members must reach their homes and the team's directory */
	make_users();
}

static void teardown(void)
{
	for (int i = 0; made_users && i < NMEMBERS; i++) {
		if (members[i].home)
			admin("userdel %s%s", members[i].name, "");
		free(members[i].home);
	}
	if (made_users)
		admin("groupdel %s%s", team, "");
	th_rmtree(dir);
	free(dir);
}

TestSuite(sharedbox, .init = setup, .fini = teardown, .timeout = 120);

static void need_users(void)
{
	if (skip_reason)
		cr_skip_test("%s", skip_reason);
}

/* In a child: becomes the member (their groups, umask 077) with their home. */
static void become(const struct member *m)
{
	if (initgroups(m->name, m->gid) != 0 || setgid(m->gid) != 0 || setuid(m->uid) != 0)
		_exit(125);
	umask(077);
	char *cfg = xasprintf("%s/.config", m->home), *data = xasprintf("%s/.local/share", m->home);
	setenv("HOME", m->home, 1);
	setenv("USER", m->name, 1);
	setenv("XDG_CONFIG_HOME", cfg, 1);
	setenv("XDG_DATA_HOME", data, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	if (chdir(m->home) != 0)
		_exit(126);
}

/* Runs the real binary as member m. */
static struct th_run as_member(const struct member *m, const char *const *args)
{
	struct th_run r = {-1, NULL, NULL};
	char *outp = xasprintf("%s/.o.XXXXXX", dir), *errp = xasprintf("%s/.e.XXXXXX", dir);
	int ofd = mkstemp(outp), efd = mkstemp(errp);
	pid_t pid = fork();
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		dup2(in, 0);
		dup2(ofd, 1);
		dup2(efd, 2);
		become(m);
		int n = 0;
		while (args[n])
			n++;
		char **argv = xcalloc((size_t)n + 2, sizeof *argv);
		argv[0] = getenv("SD_BIN");
		for (int i = 0; i < n; i++)
			argv[i + 1] = (char *)args[i];
		execv(argv[0], argv);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	r.out = read_file(outp, NULL);
	r.err = read_file(errp, NULL);
	close(ofd);
	close(efd);
	unlink(outp);
	unlink(errp);
	free(outp);
	free(errp);
	return r;
}

static void ok(const struct member *m, const char *const *args, const char *what)
{
	struct th_run r = as_member(m, args);
	cr_assert_eq(r.status, 0, "%s (as %s): exit %d\n%s", what, m->name, r.status, r.err);
	cr_assert_str_empty(r.err, "%s (as %s): %s", what, m->name, r.err);
	th_run_free(&r);
}

static char *team_dir(const char *name, mode_t mode)
{
	char *d = xasprintf("%s/%s", dir, name);
	cr_assert_eq(mkdir(d, 0700), 0);
	cr_assert_eq(chown(d, members[0].uid, team_gid), 0);
	cr_assert_eq(chmod(d, mode), 0);
	return d;
}

/* The database and its -wal and -shm: the team's group, 0660. */
static void expect_team_files(const char *db, const char *when)
{
	static const char *const sfx[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < ARRAY_SIZE(sfx); i++) {
		char *p = xasprintf("%s%s", db, sfx[i]);
		struct stat sb;
		cr_assert_eq(stat(p, &sb), 0, "%s: %s missing", when, p);
		cr_assert_eq(sb.st_gid, team_gid, "%s: %s has group %d, not the team's %d", when, p,
			     (int)sb.st_gid, (int)team_gid);
		cr_assert_eq(sb.st_mode & 0777, 0660, "%s: %s has mode %o", when, p, sb.st_mode & 0777);
		free(p);
	}
}

Test(sharedbox, shared_without_setgid_warns_and_members_still_share)
{
	need_users();
	const struct member *ann = &members[0], *bob = &members[1];
	/* a name that needs quoting: a space and a quote */
	char *tdir = team_dir("ops team's", 0770), *db = xasprintf("%s/t.db", tdir);
	struct th_run r = as_member(ann, ARGS("--shared", "--db", db, NOW, "feature", "add", "A"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_eq(strchr(r.err, '\n') - r.err + 1, (long)strlen(r.err), "one line: %s", r.err);
	const char *fix = strstr(r.err, "chmod g+s ");
	cr_assert(fix, "%s", r.err);
	/* the advice, pasted into a shell as the directory's owner, works */
	char *cmd = xstrndup(fix, strcspn(fix, "\n"));
	char *script = xasprintf("%s/fix.sh", dir);
	th_write(script, cmd);
	cr_assert_eq(th_sh(dir, "sh fix.sh"), 0, "%s", cmd);
	struct stat sb;
	cr_assert_eq(stat(tdir, &sb), 0);
	cr_assert(sb.st_mode & S_ISGID, "'%s' did not set the setgid bit", cmd);
	cr_assert_eq(chmod(tdir, 0770), 0); /* and back: this test is about the unfixed directory */
	th_run_free(&r);
	expect_team_files(db, "created by ann");

	ok(bob, ARGS("--db", db, NOW, "feature", "add", "B"), "bob writes");
	expect_team_files(db, "after bob");
	/* An older shipdeck let SQLite delete -wal and -shm at the last close:
	 * the next to open, bob, makes them again, and for the team. */
	char *wal = xasprintf("%s-wal", db), *shm = xasprintf("%s-shm", db);
	cr_assert_eq(unlink(wal), 0);
	cr_assert_eq(unlink(shm), 0);
	ok(bob, ARGS("--db", db, "--read-only", "feature", "list"), "bob reads first");
	expect_team_files(db, "re-made by bob");
	ok(ann, ARGS("--db", db, NOW, "feature", "add", "C"), "the owner writes after bob");
	ok(ann, ARGS("--db", db, "--read-only", "feature", "list"), "the owner reads");
	r = as_member(bob, ARGS("--db", db, "feature", "list"));
	cr_assert(strstr(r.out, "A") && strstr(r.out, "B") && strstr(r.out, "C"), "%s", r.out);
	th_run_free(&r);
	free(wal);
	free(shm);
	free(script);
	free(cmd);
	free(db);
	free(tdir);
}

Test(sharedbox, member_with_read_access_gets_a_snapshot)
{
	need_users();
	const struct member *ann = &members[0], *bob = &members[1];
	char *tdir = team_dir("team", 02770), *db = xasprintf("%s/r.db", tdir);
	char *repo = th_make_repo(dir, "app");
	th_git(repo, "2026-01-02T10:00:00+0000", "tag v1.0");
	/* libgit2 opens a repository someone else owns only when told to */
	for (int i = 0; i < 2; i++) {
		char *gc = xasprintf("%s/.gitconfig", members[i].home);
		char *text = xasprintf("[safe]\n\tdirectory = %s\n", repo);
		th_write(gc, text);
		chmod(gc, 0644);
		free(text);
		free(gc);
	}
	ok(ann, ARGS("--repo", repo, "--db", db, NOW, "feature", "add", "A"), "ann creates");
	cr_assert_eq(chmod(db, 0640), 0); /* the team may read, only ann writes */
	struct th_run before = as_member(ann, ARGS("--db", db, "--read-only", "export"));
	cr_assert_eq(before.status, 0, "%s", before.err);

	struct th_run r = as_member(bob, ARGS("--repo", repo, "--db", db, NOW, "--snapshot",
						  "--width", "200"));
	cr_assert_eq(r.status, 0, "bob's snapshot: %s", r.err);
	cr_assert_str_empty(r.err, "%s", r.err);
	cr_assert(strstr(r.out, "read-only for this run (the history cache is kept in memory)"),
		  "%s", r.out);
	cr_assert(strstr(r.out, "A"), "%s", r.out);
	th_run_free(&r);
	r = as_member(bob, ARGS("--repo", repo, "--db", db, NOW, "feature", "add", "X"));
	cr_assert_eq(r.status, 2, "%s", r.err);
	cr_assert_eq(strchr(r.err, '\n') - r.err + 1, (long)strlen(r.err), "one line: %s", r.err);
	cr_assert(strstr(r.err, "you may only read this database"), "%s", r.err);
	th_run_free(&r);

	struct th_run after = as_member(ann, ARGS("--db", db, "--read-only", "export"));
	cr_assert_str_eq(after.out, before.out, "bob changed the database");
	ok(ann, ARGS("--repo", repo, "--db", db, NOW, "feature", "add", "B"), "the owner writes after bob");
	th_run_free(&before);
	th_run_free(&after);
	free(repo);
	free(db);
	free(tdir);
}

/* ---- three members at once ---------------------------------------------------------- */

static int run_in_process(const char *const *args)
{
	char *argv[16];
	int argc = 0;
	argv[argc++] = xstrdup("shipdeck");
	for (; args[argc - 1] && argc < 15; argc++)
		argv[argc] = xstrdup(args[argc - 1]);
	argv[argc] = NULL;
	struct ctx c;
	int cmd = ctx_init(&c, argc, argv), rc = 2;
	if (cmd >= 0 && cmd < argc)
		rc = cmd_dispatch(&c, argc - cmd, argv + cmd);
	ctx_free(&c);
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	return rc;
}

/* One member's share: an add, a list and an export, over and over, each
 * with its own connection as one command would. Returns the failures. */
static int member_ops(const char *db, int who)
{
	int failures = 0;
	for (int j = 0; j < OPS_EACH; j++) {
		char title[32];
		snprintf(title, sizeof title, "M%d-%d", who, j / 3);
		int rc = j % 3 == 0 ? run_in_process(ARGS("--db", db, NOW, "feature", "add", title))
			 : j % 3 == 1 ? run_in_process(ARGS("--db", db, "feature", "list"))
				      : run_in_process(ARGS("--db", db, "export"));
		failures += rc != 0;
	}
	return failures;
}

Test(sharedbox, three_members_at_once_with_umask_077)
{
	need_users();
	char *tdir = team_dir("busy", 02770), *db = xasprintf("%s/t.db", tdir);
	ok(&members[0], ARGS("--shared", "--db", db, NOW, "feature", "add", "Start"), "create");
	char *errs[NMEMBERS];
	pid_t pids[NMEMBERS];
	for (int i = 0; i < NMEMBERS; i++) {
		errs[i] = xasprintf("%s/err-%d", dir, i);
		int efd = open(errs[i], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		pids[i] = fork();
		if (pids[i] == 0) {
			int null = open("/dev/null", O_WRONLY);
			dup2(null, 1);
			dup2(efd, 2);
			become(&members[i]);
			_exit(member_ops(db, i) > 0);
		}
		close(efd);
	}
	for (int i = 0; i < NMEMBERS; i++) {
		int st;
		waitpid(pids[i], &st, 0);
		char *err = read_file(errs[i], NULL);
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0 && !*err,
			  "%s failed (status %d):\n%.2000s", members[i].name, st, err);
		free(err);
		free(errs[i]);
	}
	/* 1 + 3 members x 200 adds */
	struct th_run r = as_member(&members[2], ARGS("--db", db, "feature", "list"));
	size_t lines = 0;
	for (const char *s = r.out; *s; s++)
		lines += *s == '\n';
	cr_assert_eq(lines, 1 + NMEMBERS * OPS_EACH / 3, "%s", r.err);
	th_run_free(&r);
	expect_team_files(db, "after the crowd");
	free(db);
	free(tdir);
}
