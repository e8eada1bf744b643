/* test_identity — pins whose data a database is (issue 12), through the real
 * binary on repositories made at test time: two clones with the same folder
 * name get two databases; a clone's worktree shares its clone's; a database
 * under the old name <name>.db keeps serving the repository whose commits it
 * names (or the first to open it when it names none) and is never used by
 * another; feature keys are unique ignoring case (old twins migrate to
 * KEY~ID without loss), are never whole numbers, and an argument is an id
 * when it is a whole number, else a key; import never replaces records
 * without --replace, says what it would replace, keeps a backup that brings
 * them back, and refuses an export from another repository unless --force.
 * doctor: outside a repository and without a database it says so (never
 * "all good"); it flags a feature branch that neither exists nor was merged
 * and builds of commits the repository lacks; the commands it suggests
 * quote paths so that a folder named  a'; touch PWNED; '  pastes back as
 * that folder and runs nothing. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "datafiles.h"
#include "helpers.h"
#include "util.h"

static char *home;

static void setup(void)
{
	home = th_tmpdir();
}

static void teardown(void)
{
	th_rmtree(home);
	free(home);
}

TestSuite(identity, .init = setup, .fini = teardown, .timeout = 60);

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Runs shipdeck with the current directory in dir (a repository, or home). */
static struct th_run sd_in(const char *dir, const char *const *args)
{
	int n = 0;
	while (args[n])
		n++;
	const char **all = xcalloc((size_t)n + 3, sizeof *all);
	all[0] = "--repo";
	all[1] = dir;
	for (int i = 0; i < n; i++)
		all[i + 2] = args[i];
	struct th_run r = th_shipdeck(home, NULL, all);
	free(all);
	return r;
}

static void expect(struct th_run *r, int status, const char *out_has, const char *err_has)
{
	cr_assert_eq(r->status, status, "status %d, stderr: %s, stdout: %s", r->status, r->err, r->out);
	if (out_has)
		cr_assert(strstr(r->out, out_has), "stdout lacks '%s': %s", out_has, r->out);
	if (err_has)
		cr_assert(strstr(r->err, err_has), "stderr lacks '%s': %s", err_has, r->err);
}

/* The value after "label" on an `info` line. */
static char *info_field(const char *repo, const char *label)
{
	struct th_run r = sd_in(repo, ARGS("info"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	char *found = NULL;
	for (char *line = r.out; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (str_starts(line, label) && line[strlen(label)] == ' ') {
			char *v = line + strlen(label);
			while (*v == ' ')
				v++;
			found = xstrdup(v);
		}
		line = nl ? nl + 1 : NULL;
	}
	th_run_free(&r);
	cr_assert(found, "info has no '%s' line", label);
	return found;
}

/* A repository whose history is its own: the initial commit of
 * th_make_repo is the same in every repository (fixed content and dates). */
static char *own_repo(const char *parent, const char *name, const char *marker)
{
	char *dir = xasprintf("%s/%s", home, parent);
	th_sh(home, "mkdir -p '%s'", parent);
	char *repo = th_make_repo(dir, name);
	th_sh(repo, "echo '%s' > OWN", marker);
	th_git(repo, "2026-01-02T10:00:00+0000", "add OWN");
	th_git(repo, "2026-01-02T10:00:00+0000", "commit -q -m '%s'", marker);
	free(dir);
	return repo;
}

/* A database as shipdeck 0.1 left it (schema version 1, no repository
 * recorded) at path, with extra SQL run on it. */
static void make_v1_db(const char *path, const char *sql)
{
	const char *schema = data_file("schema.sql", NULL);
	const char *start = strstr(schema, "-- migration 1\n");
	const char *end = strstr(schema, "-- migration 2\n");
	cr_assert(start && end);
	char *v1 = xstrndup(start, (size_t)(end - start));
	sqlite3 *db;
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, v1, NULL, NULL, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, "PRAGMA user_version = 1", NULL, NULL, NULL), SQLITE_OK);
	char *msg = NULL;
	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK, "%s", msg ? msg : "");
	sqlite3_close(db);
	free(v1);
}

static char *data_dir(void)
{
	char *d = xasprintf("%s/.local/share/shipdeck", home);
	th_sh(home, "mkdir -p '%s'", d);
	return d;
}

Test(identity, two_clones_named_alike_never_share)
{
	char *a = own_repo("a", "jq", "a"), *b = own_repo("b", "jq", "b");
	struct th_run r = sd_in(a, ARGS("feature", "add", "Only in a", "--key", "A-1"));
	expect(&r, 0, "added feature 1", NULL);
	th_run_free(&r);
	r = sd_in(b, ARGS("feature", "list"));
	expect(&r, 0, NULL, NULL);
	cr_assert_null(strstr(r.out, "A-1"), "b sees a's feature: %s", r.out);
	th_run_free(&r);
	char *dba = info_field(a, "database"), *dbb = info_field(b, "database");
	cr_assert_str_neq(dba, dbb, "one database for two clones");
	char *owner = info_field(a, "belongs to");
	char *want = xasprintf("%s/.git  (this repository)", a);
	cr_assert_str_eq(owner, want);
	/* A worktree of a shares a's refs, and so its database. */
	th_git(a, "2026-01-03T10:00:00+0000", "worktree add -q ../jq-wt");
	char *wt = xasprintf("%s/a/jq-wt", home);
	r = sd_in(wt, ARGS("feature", "list"));
	expect(&r, 0, "A-1", NULL);
	th_run_free(&r);
	free(wt);
	free(want);
	free(owner);
	free(dba);
	free(dbb);
	free(a);
	free(b);
}

Test(identity, legacy_database_serves_the_repository_whose_commits_it_names)
{
	char *a = own_repo("a", "jq", "a"), *b = own_repo("b", "jq", "b");
	char *head = th_rev(a, "HEAD");
	char *dir = data_dir(), *legacy = xasprintf("%s/jq.db", dir);
	char *sql = xasprintf(
		"INSERT INTO features(id, key, title, created_at) VALUES (1, 'JQ-1', 'first', 1), "
		"(2, 'jq-1', 'second', 2), (3, 'Jq-1', 'third', 3), (4, 'JQ-2', 'fourth', 4);"
		"INSERT INTO checklist_items(feature_id, kind, item) VALUES (1, 'predeploy', 'a'), "
		"(2, 'predeploy', 'b'), (3, 'predeploy', 'c');"
		"INSERT INTO deployments(ref, commit_sha, env, at) VALUES ('jq-1.8', '%s', 'production', 5);",
		head);
	make_v1_db(legacy, sql);
	/* b lacks the commit jq.db names: b gets its own, and says why. */
	struct th_run r = sd_in(b, ARGS("feature", "list"));
	expect(&r, 0, NULL, "not this repository");
	cr_assert_null(strstr(r.out, "JQ-1"), "b uses a's database: %s", r.out);
	th_run_free(&r);
	char *dbb = info_field(b, "database");
	cr_assert_str_neq(dbb, legacy);
	/* a has it: jq.db is a's, migrated, its case twins renamed KEY~ID
	 * (2 and 3 are later than 1), nothing lost. */
	char *dba = info_field(a, "database");
	cr_assert_str_eq(dba, legacy);
	r = sd_in(a, ARGS("feature", "list"));
	expect(&r, 0, "JQ-1 ", NULL);
	cr_assert(strstr(r.out, "jq-1~2") && strstr(r.out, "Jq-1~3") && strstr(r.out, "JQ-2"), "%s", r.out);
	th_run_free(&r);
	r = sd_in(a, ARGS("export"));
	expect(&r, 0, NULL, NULL);
	int ticks = 0;
	for (const char *p = r.out; (p = strstr(p, "\"item\":")); p++)
		ticks++;
	cr_assert_eq(ticks, 3, "the three ticks are kept: %s", r.out);
	th_run_free(&r);
	char *owner = info_field(a, "belongs to");
	cr_assert(strstr(owner, "(this repository); named the old way"), "%s", owner);
	free(owner);
	free(dba);
	free(dbb);
	free(sql);
	free(legacy);
	free(dir);
	free(head);
	free(a);
	free(b);
}

Test(identity, legacy_database_naming_no_commit_goes_to_the_first_repository)
{
	char *a = own_repo("a", "app", "a"), *b = own_repo("b", "app", "b");
	char *dir = data_dir(), *legacy = xasprintf("%s/app.db", dir);
	make_v1_db(legacy, "INSERT INTO features(key, title, created_at) VALUES ('APP-1', 'kept', 1)");
	struct th_run r = sd_in(b, ARGS("feature", "list"));
	expect(&r, 0, "APP-1", NULL);
	th_run_free(&r);
	r = sd_in(a, ARGS("feature", "list"));
	char *named = xasprintf("was made for %s/.git", b);
	expect(&r, 0, NULL, named);
	cr_assert_null(strstr(r.out, "APP-1"), "a shares b's database: %s", r.out);
	th_run_free(&r);
	free(named);
	free(legacy);
	free(dir);
	free(a);
	free(b);
}

Test(identity, keys_unique_ignoring_case_and_ids_are_numbers)
{
	char *db = xasprintf("%s/k.db", home);
	struct th_run r = th_shipdeck(home, NULL, ARGS("--db", db, "feature", "add", "Parser", "--key", "JQ-1"));
	expect(&r, 0, "added feature 1 (JQ-1)", NULL);
	th_run_free(&r);
	r = th_shipdeck(home, NULL, ARGS("--db", db, "feature", "add", "Other", "--key", "jq-1"));
	expect(&r, 2, NULL, "--key jq-1: feature 1 already has the key JQ-1 (\"Parser\")");
	cr_assert_null(strstr(r.err, "UNIQUE"), "raw SQLite message: %s", r.err);
	th_run_free(&r);
	r = th_shipdeck(home, NULL, ARGS("--db", db, "feature", "add", "Numbered", "--key", "42"));
	expect(&r, 2, NULL, "a key cannot be a whole number");
	th_run_free(&r);
	r = th_shipdeck(home, NULL, ARGS("--db", db, "feature", "add", "Second", "--key", "JQ-2"));
	expect(&r, 0, "added feature 2", NULL);
	th_run_free(&r);
	r = th_shipdeck(home, NULL, ARGS("--db", db, "feature", "set", "2", "--key", "Jq-1"));
	expect(&r, 2, NULL, "feature 1 already has the key JQ-1");
	th_run_free(&r);
	/* its own key in another case is a rename, not a clash */
	r = th_shipdeck(home, NULL, ARGS("--db", db, "feature", "set", "jq-2", "--key", "jq-2"));
	expect(&r, 0, "updated feature 2", NULL);
	th_run_free(&r);
	/* The rule: a whole number is an id, anything else a key ignoring case. */
	r = th_shipdeck(home, NULL, ARGS("--db", db, "feature", "show", "2", "--json"));
	expect(&r, 0, "\"title\": \"Second\"", NULL);
	th_run_free(&r);
	r = th_shipdeck(home, NULL, ARGS("--db", db, "feature", "show", "jQ-1", "--json"));
	expect(&r, 0, "\"title\": \"Parser\"", NULL);
	th_run_free(&r);
	free(db);
	/* A number key from before the rule stays reachable by its id. */
	db = xasprintf("%s/old.db", home);
	make_v1_db(db, "INSERT INTO features(id, key, title, created_at) VALUES (1, '42', 'issue 42', 1)");
	r = th_shipdeck(home, NULL, ARGS("--db", db, "feature", "show", "42"));
	expect(&r, 2, NULL, "feature 1 has the key '42'");
	th_run_free(&r);
	free(db);
}

/* An export of db, as a string. */
static char *export_of(const char *db)
{
	struct th_run r = th_shipdeck(home, NULL, ARGS("--db", db, "export"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	char *s = xstrdup(r.out);
	th_run_free(&r);
	return s;
}

Test(identity, import_never_replaces_without_replace_and_keeps_a_backup)
{
	char *db = xasprintf("%s/i.db", home), *empty = xasprintf("%s/empty.json", home);
	struct th_run r = th_shipdeck(home, NULL, ARGS("--db", db, "feature", "add", "One", "--key", "K-1"));
	th_run_free(&r);
	r = th_shipdeck(home, NULL, ARGS("--db", db, "feature", "add", "Two"));
	th_run_free(&r);
	r = th_shipdeck(home, NULL, ARGS("--db", db, "check", "K-1", "staging-tests"));
	expect(&r, 0, NULL, NULL);
	th_run_free(&r);
	char *before = export_of(db);
	th_write(empty, "{\"schema\": \"shipdeck.export/1\", \"version\": 2, \"tables\": {}}");
	r = th_shipdeck(home, NULL, ARGS("--db", db, "import", empty));
	expect(&r, 2, NULL, "the database holds 2 features, 1 checklist tick; importing");
	cr_assert(strstr(r.err, "with no records") && strstr(r.err, "--replace"), "%s", r.err);
	th_run_free(&r);
	char *after = export_of(db);
	cr_assert_str_eq(after, before, "a refused import changed the database");
	free(after);
	/* --replace: a backup of exactly what was there, then the import. */
	r = th_shipdeck(home, NULL, ARGS("--db", db, "--now", "2026-11-27T09:00:00Z", "import", "--replace", empty));
	expect(&r, 0, "imported", NULL);
	char *backup = xasprintf("%s.before-import-2026-11-27T09-00-00Z.json", db);
	cr_assert(strstr(r.out, backup), "says where the backup is: %s", r.out);
	th_run_free(&r);
	size_t len;
	char *saved = read_file(backup, &len);
	cr_assert(saved, "no backup at %s", backup);
	cr_assert_str_eq(saved, before, "the backup is the export of what was replaced");
	struct stat sb;
	cr_assert_eq(stat(backup, &sb), 0);
	cr_assert_eq(sb.st_mode & 0777, 0600, "the backup is private like the database");
	r = th_shipdeck(home, NULL, ARGS("--db", db, "feature", "list", "--json"));
	expect(&r, 0, "[]", NULL);
	th_run_free(&r);
	/* An empty database takes an import without --replace; the backup
	 * brings everything back. */
	r = th_shipdeck(home, NULL, ARGS("--db", db, "import", backup));
	expect(&r, 0, "2 features, 1 checklist tick", NULL);
	th_run_free(&r);
	after = export_of(db);
	cr_assert_str_eq(after, before, "the backup restores the records byte for byte");
	free(after);
	free(saved);
	free(backup);
	free(before);
	free(empty);
	free(db);
}

Test(identity, import_from_another_repository_needs_force)
{
	char *a = own_repo("a", "jq", "a"), *b = own_repo("b", "jq", "b");
	char *file = xasprintf("%s/a.json", home);
	struct th_run r = sd_in(a, ARGS("feature", "add", "From a", "--key", "A-1"));
	th_run_free(&r);
	r = sd_in(a, ARGS("export"));
	char *want = xasprintf("\"repository\":\t\"%s/.git\"", a);
	expect(&r, 0, want, NULL);
	th_write(file, r.out);
	th_run_free(&r);
	r = sd_in(b, ARGS("import", file));
	expect(&r, 2, NULL, "was exported from the repository");
	cr_assert(strstr(r.err, "--force"), "%s", r.err);
	th_run_free(&r);
	r = sd_in(b, ARGS("feature", "list"));
	cr_assert_null(strstr(r.out, "A-1"), "imported anyway: %s", r.out);
	th_run_free(&r);
	r = sd_in(b, ARGS("import", "--force", file));
	expect(&r, 0, "1 feature", NULL);
	th_run_free(&r);
	/* b's database still belongs to b. */
	char *owner = info_field(b, "belongs to");
	cr_assert(strstr(owner, "(this repository)"), "%s", owner);
	free(owner);
	free(want);
	free(file);
	free(a);
	free(b);
}

Test(identity, version_1_export_with_case_twins_imports)
{
	char *db = xasprintf("%s/v.db", home), *file = xasprintf("%s/v1.json", home);
	th_write(file, "{\"schema\": \"shipdeck.export/1\", \"version\": 1, \"tables\": {\"features\": ["
		       "{\"id\": 1, \"key\": \"JQ-1\", \"title\": \"a\", \"created_at\": 1},"
		       "{\"id\": 2, \"key\": \"jq-1\", \"title\": \"b\", \"created_at\": 2}]}}");
	struct th_run r = th_shipdeck(home, NULL, ARGS("--db", db, "import", file));
	expect(&r, 0, "2 features", NULL);
	th_run_free(&r);
	r = th_shipdeck(home, NULL, ARGS("--db", db, "feature", "list"));
	expect(&r, 0, "jq-1~2", NULL);
	th_run_free(&r);
	free(file);
	free(db);
}

Test(identity, doctor_says_when_there_is_nothing_to_check)
{
	struct th_run r = th_shipdeck(home, NULL, ARGS("doctor"));
	expect(&r, 1, "not inside a git repository", NULL);
	cr_assert(strstr(r.out, "no repository to name one and no --db given"), "%s", r.out);
	cr_assert_null(strstr(r.out, "all good"), "%s", r.out);
	th_run_free(&r);
	char *repo = own_repo("x", "fresh", "x");
	r = sd_in(repo, ARGS("doctor"));
	expect(&r, 1, "not created yet", NULL);
	th_run_free(&r);
	/* doctor never creates it */
	char *db = info_field(repo, "database");
	struct stat sb;
	cr_assert_neq(stat(db, &sb), 0, "doctor created %s", db);
	free(db);
	free(repo);
}

Test(identity, doctor_flags_missing_branches_and_commits)
{
	char *repo = own_repo("x", "shop", "x");
	th_git(repo, "2026-01-03T10:00:00+0000", "checkout -q -b feature/ok");
	th_git(repo, "2026-01-03T10:00:00+0000", "commit -q --allow-empty -m work");
	th_git(repo, "2026-01-03T10:00:00+0000", "checkout -q main");
	struct th_run r = sd_in(repo, ARGS("feature", "add", "Fine", "--key", "OK-1", "--branch", "feature/ok"));
	expect(&r, 0, NULL, NULL);
	th_run_free(&r);
	r = sd_in(repo, ARGS("doctor"));
	expect(&r, 0, "all good", NULL);
	cr_assert(strstr(r.out, "branches    ok (1 feature branch(es) found or merged)"), "%s", r.out);
	th_run_free(&r);
	r = sd_in(repo, ARGS("feature", "add", "Typo", "--key", "T-1", "--branch", "feature/tpyo"));
	th_run_free(&r);
	char *head = th_rev(repo, "HEAD");
	r = sd_in(repo, ARGS("build", "add", "--commit", head, "--started", "2026-01-02T11:00:00Z",
			     "--finished", "2026-01-02T11:10:00Z", "--conclusion", "success"));
	expect(&r, 0, NULL, NULL);
	th_run_free(&r);
	free(head);
	r = sd_in(repo, ARGS("doctor"));
	expect(&r, 1, "feature T-1: branch feature/tpyo is not in this repository", NULL);
	cr_assert_null(strstr(r.out, "feature OK-1"), "%s", r.out);
	cr_assert(strstr(r.out, "1 problem(s) found"), "the build's commit is here: %s", r.out);
	th_run_free(&r);
	/* The same database read from another repository: its build's commit
	 * (HEAD of shop, made on 2026-01-02 with marker x) is not there. */
	char *other = own_repo("y", "other", "y");
	char *db = info_field(repo, "database");
	r = sd_in(other, ARGS("--db", db, "doctor"));
	expect(&r, 1, "build 1 (", NULL);
	cr_assert(strstr(r.out, "is not in this repository"), "%s", r.out);
	th_run_free(&r);
	free(db);
	free(other);
	free(repo);
}

/* doctor --json says what the text says: the same problems, the same
 * count, the same exit status. Worked by hand: one feature (T-1) names a
 * branch that does not exist, everything else is whole -> problems 1, one
 * "branch" check with problem true, the database owned by this repository. */
Test(identity, doctor_json_matches_the_text)
{
	char *repo = own_repo("x", "shop", "x");
	struct th_run r = sd_in(repo, ARGS("feature", "add", "Typo", "--key", "T-1", "--branch", "feature/tpyo"));
	expect(&r, 0, NULL, NULL);
	th_run_free(&r);
	struct th_run text = sd_in(repo, ARGS("doctor"));
	expect(&text, 1, "1 problem(s) found", NULL);
	r = sd_in(repo, ARGS("doctor", "--json"));
	cr_assert_eq(r.status, 1, "%s%s", r.out, r.err);
	cJSON *doc = cJSON_Parse(r.out);
	cr_assert_not_null(doc, "not JSON: %s", r.out);
	cr_assert_str_eq(cJSON_GetObjectItem(doc, "schema")->valuestring, "shipdeck.doctor/1");
	cr_assert_eq(cJSON_GetObjectItem(doc, "problems")->valueint, 1);
	cr_assert_str_eq(cJSON_GetObjectItem(doc, "verdict")->valuestring, "problems found");
	cr_assert_str_eq(cJSON_GetObjectItem(doc, "owner")->valuestring, "this repository");
	int problems = 0, branch = 0;
	const cJSON *ck;
	cJSON_ArrayForEach(ck, cJSON_GetObjectItem(doc, "checks")) {
		const char *what = cJSON_GetObjectItem(ck, "check")->valuestring;
		const char *detail = cJSON_GetObjectItem(ck, "detail")->valuestring;
		if (cJSON_IsTrue(cJSON_GetObjectItem(ck, "problem")))
			problems++;
		/* every finding is a line of the text (its first 60 characters:
		 * the text wraps where the JSON joins) */
		size_t len = strcspn(detail, "(");
		char *head = xstrndup(detail, len < 60 ? len : 60);
		cr_assert(strstr(text.out, head), "'%s' is not in the text:\n%s", head, text.out);
		free(head);
		if (streq(what, "branch")) {
			branch++;
			cr_assert(strstr(detail, "feature T-1: branch feature/tpyo is not in this repository"), "%s", detail);
			cr_assert_null(strchr(detail, '\n'), "one line: %s", detail);
		}
	}
	cr_assert_eq(problems, 1, "%s", r.out);
	cr_assert_eq(branch, 1, "%s", r.out);
	cJSON_Delete(doc);
	th_run_free(&r);
	th_run_free(&text);
	free(repo);
}

Test(identity, doctor_quotes_paths_it_suggests)
{
	/* A damaged database in a folder whose name closes a quote and runs a
	 * command: the suggested cp must copy it, and nothing else. */
	const char *evil = "a'; touch PWNED; '";
	char *dir = xasprintf("%s/%s", home, evil);
	cr_assert_eq(th_sh(home, "mkdir \"a'; touch PWNED; '\""), 0);
	char *db = xasprintf("%s/team.db", dir);
	th_write(db, "this is not a database, but it is long enough to have a header page...........");
	struct th_run r = th_shipdeck(home, NULL, ARGS("--db", db, "doctor"));
	expect(&r, 1, "cannot open", NULL);
	const char *cp = strstr(r.out, "(cp ");
	cr_assert(cp, "%s", r.out);
	char *line = xstrndup(cp + 1, strcspn(cp + 1, ")"));
	cr_assert_eq(th_sh(home, "%s", line), 0, "the suggested command failed: %s", line);
	char *copy = xasprintf("%s.broken", db);
	struct stat sb;
	cr_assert_eq(stat(copy, &sb), 0, "%s did not copy the database", line);
	char *pwned = xasprintf("%s/PWNED", home);
	cr_assert_neq(stat(pwned, &sb), 0, "the suggestion ran a command: %s", line);
	th_run_free(&r);
	free(pwned);
	free(copy);
	free(line);
	free(db);
	free(dir);
}
