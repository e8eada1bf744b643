-- shipdeck release database. Read by src/store.c only.
-- Each "-- migration N" block moves a database from user_version N-1 to N;
-- blocks are applied in order, each in one transaction, and never edited
-- once released: a change to the schema is a new block at the end. A block
-- only adds (tables, columns that are NULL or have a default), so that an export made by
-- an older shipdeck still imports; a block that must loosen a constraint
-- rebuilds its table keeping every row and id (migration 9).
-- Tables are STRICT so a wrong type is refused instead of stored.
-- Release records are exported by `shipdeck export`; the git_* tables are a
-- cache of what the history scan learned and are rebuilt by `shipdeck sync`.

-- migration 1
CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;

CREATE TABLE features (
	id          INTEGER PRIMARY KEY,
	key         TEXT UNIQUE,
	title       TEXT NOT NULL,
	branch      TEXT,
	size        TEXT NOT NULL DEFAULT 'medium'
	            CONSTRAINT size CHECK (size IN ('small', 'medium', 'large')),
	owner       TEXT,
	created_at  INTEGER NOT NULL,
	phase_manual TEXT
	            CONSTRAINT phase_manual CHECK (phase_manual IS NULL OR phase_manual IN
	            ('planning', 'development', 'build', 'testing', 'deployment', 'shipped')),
	phase_reason TEXT,
	phase_manual_at INTEGER
) STRICT;

-- Phase history: one row per phase change, with the evidence that caused it.
CREATE TABLE feature_events (
	id          INTEGER PRIMARY KEY,
	feature_id  INTEGER NOT NULL REFERENCES features(id) ON DELETE CASCADE,
	phase       TEXT NOT NULL,
	at          INTEGER NOT NULL,
	evidence_kind TEXT,          -- commit, merge, build, deployment, manual
	evidence    TEXT,            -- a sha, build id, deployment id or reason
	manual      INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX feature_events_by_feature ON feature_events(feature_id, at);

-- Ticked checklist items; an item absent here is open.
CREATE TABLE checklist_items (
	feature_id  INTEGER NOT NULL REFERENCES features(id) ON DELETE CASCADE,
	kind        TEXT NOT NULL,   -- planning, predeploy, sprint
	item        TEXT NOT NULL,   -- stable id from data/checklists.json or config
	done        INTEGER NOT NULL DEFAULT 1,
	by          TEXT,
	at          INTEGER,
	note        TEXT,
	PRIMARY KEY (feature_id, kind, item)
) STRICT;

CREATE TABLE builds (
	id          INTEGER PRIMARY KEY,
	provider    TEXT NOT NULL,   -- github, gitlab, jenkins, manual
	run_id      TEXT NOT NULL,
	attempt     INTEGER NOT NULL DEFAULT 1,
	workflow    TEXT,
	branch      TEXT,
	commit_sha  TEXT,
	status      TEXT NOT NULL
	            CONSTRAINT status CHECK (status IN ('queued', 'running', 'completed')),
	conclusion  TEXT
	            CONSTRAINT conclusion CHECK (conclusion IS NULL OR conclusion IN
	            ('success', 'failure', 'cancelled', 'skipped', 'neutral', 'action-required', 'timed-out')),
	created_at  INTEGER,
	started_at  INTEGER,
	finished_at INTEGER,
	failure_kind TEXT,
	failure_kind_manual INTEGER NOT NULL DEFAULT 0,
	failed_jobs TEXT,            -- names of failed jobs/steps, for classification
	url         TEXT,
	UNIQUE (provider, run_id, attempt)
) STRICT;
CREATE INDEX builds_by_commit ON builds(commit_sha);
CREATE INDEX builds_by_time ON builds(started_at);

CREATE TABLE deployments (
	id          INTEGER PRIMARY KEY,
	ref         TEXT NOT NULL,
	commit_sha  TEXT NOT NULL,
	env         TEXT NOT NULL
	            CONSTRAINT env CHECK (env IN ('production', 'staging')),
	strategy    TEXT
	            CONSTRAINT strategy CHECK (strategy IS NULL OR strategy IN
	            ('big-bang', 'rolling', 'canary', 'blue-green')),
	rollout     INTEGER NOT NULL DEFAULT 100
	            CONSTRAINT rollout CHECK (rollout BETWEEN 0 AND 100),
	status      TEXT NOT NULL DEFAULT 'succeeded'
	            CONSTRAINT status CHECK (status IN ('in-progress', 'succeeded', 'failed', 'rolled-back')),
	kind        TEXT NOT NULL DEFAULT 'normal'
	            CONSTRAINT kind CHECK (kind IN ('normal', 'hotfix')),
	feature_id  INTEGER REFERENCES features(id) ON DELETE SET NULL,
	at          INTEGER NOT NULL,
	note        TEXT,
	recorded_by TEXT,
	UNIQUE (commit_sha, env)
) STRICT;

CREATE TABLE rollout_stages (
	deployment_id INTEGER NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
	pct         INTEGER NOT NULL,
	at          INTEGER NOT NULL,
	PRIMARY KEY (deployment_id, pct)
) STRICT;

CREATE TABLE incidents (
	id          INTEGER PRIMARY KEY,
	title       TEXT NOT NULL,
	severity    TEXT NOT NULL DEFAULT 'sev2'
	            CONSTRAINT severity CHECK (severity IN ('sev1', 'sev2', 'sev3', 'sev4')),
	deployment_id INTEGER REFERENCES deployments(id) ON DELETE SET NULL,
	deploy_ref  TEXT,            -- a tag or commit when the deployment is not a record
	linked_auto INTEGER NOT NULL DEFAULT 0,
	started_at  INTEGER NOT NULL,
	detected_at INTEGER,
	paged_at    INTEGER,
	root_cause_at INTEGER,
	decision    TEXT
	            CONSTRAINT decision CHECK (decision IS NULL OR decision IN ('rollback', 'fix-forward')),
	decided_at  INTEGER,
	restored_at INTEGER,
	note        TEXT
) STRICT;

CREATE TABLE reviews (
	subject     TEXT NOT NULL
	            CONSTRAINT subject CHECK (subject IN ('deploy', 'incident')),
	subject_id  INTEGER NOT NULL,
	question    INTEGER NOT NULL,
	answer      TEXT NOT NULL,
	by          TEXT,
	at          INTEGER NOT NULL,
	PRIMARY KEY (subject, subject_id, question)
) STRICT;

-- ---- git cache (owned by src/store_git.c, filled by src/gitscan.c) ----
-- A cache, never a record: any of it can be dropped and `sync --full`
-- rebuilds it. Commit ids are raw 20-byte blobs (half the size of hex, and
-- the scan compares them as bytes).
-- key/value facts of the last scan: format, default_branch, deploy_tags.
CREATE TABLE git_meta (
	key         TEXT PRIMARY KEY,
	value       TEXT NOT NULL
) STRICT;
-- Every history ref seen last time (refs/heads, refs/remotes, refs/tags),
-- so a warm start only compares tips. For tags: the commit it peels to
-- (NULL for a tag on a tree or blob) and its time (tagger date, or the
-- commit's committer date for a lightweight tag), so unchanged tags are
-- never looked up again.
CREATE TABLE git_refs (
	name        TEXT PRIMARY KEY,
	target      TEXT NOT NULL,   -- 40 hex
	peeled      TEXT,            -- 40 hex of the commit, NULL if none
	at          INTEGER          -- tags only
) STRICT;
-- The deployment order the commit assignment below was computed for: seq is
-- the deployment's index. A run whose order shares only the first L entries
-- keeps the commits of seq < L and recomputes the rest.
CREATE TABLE git_deploys (
	seq         INTEGER PRIMARY KEY,
	commit_sha  TEXT NOT NULL,   -- 40 hex
	ref         TEXT NOT NULL,   -- for people reading the cache
	at          INTEGER NOT NULL
) STRICT;
-- Every commit of the history, packed per deployment: one row holds all the
-- commits deployment seq shipped first (seq -1: commits no deployment
-- contains yet). data is n records of 46 bytes: the 20-byte id, author and
-- committer time (int64, little-endian), the parent count (uint16, LE) and
-- (cache format 4) the landing time (int64, LE; INT64_MIN none).
-- One row per deployment instead of one per commit makes a cold scan write
-- and a warm start read 100 000 commits in milliseconds.
CREATE TABLE git_commits (
	seq         INTEGER PRIMARY KEY,
	n           INTEGER NOT NULL,
	data        BLOB NOT NULL
) STRICT;
-- "This reverts commit <target>" lines as written (target: 7-40 lowercase
-- hex), with the commit it resolved to among the known commits (NULL:
-- unknown or ambiguous). Re-resolved whenever new commits are known, as a
-- new commit can make an abbreviation ambiguous.
CREATE TABLE git_reverts (
	revert_sha  BLOB NOT NULL,
	deploy_seq  INTEGER NOT NULL, -- the revert commit's deployment, or -1
	target      TEXT NOT NULL,
	resolved    BLOB,
	resolved_seq INTEGER,        -- the resolved commit's deployment, or -1
	author_time INTEGER NOT NULL,
	PRIMARY KEY (revert_sha, target)
) STRICT;

-- migration 2
-- A checklist item may be marked not applicable instead of ticked: state
-- 'na' (done 0), the reason in note. Such an item no longer blocks the gate.
ALTER TABLE checklist_items ADD COLUMN state TEXT NOT NULL DEFAULT 'done'
	CONSTRAINT state CHECK (state IN ('done', 'na'));

-- migration 3
-- Which repository the database belongs to: the real path of its git
-- directory, written when a repository first opens it (one row at most).
-- Not a release record: export writes it as the document's "repository",
-- and import never replaces it.
CREATE TABLE repository (
	id          INTEGER PRIMARY KEY CONSTRAINT one_row CHECK (id = 1),
	git_dir     TEXT NOT NULL,
	name        TEXT,
	since       INTEGER NOT NULL
) STRICT;
-- Feature keys are unique ignoring case, as they are looked up. A key equal
-- but for case to an older feature's gets "~<its id>" appended (JQ-1 and a
-- later jq-1 become JQ-1 and jq-1~7): nothing is lost, each stays reachable.
UPDATE features SET key = key || '~' || id
 WHERE key IS NOT NULL AND EXISTS (SELECT 1 FROM features AS older
       WHERE older.key = features.key COLLATE NOCASE AND older.id < features.id);
CREATE UNIQUE INDEX features_key_nocase ON features(key COLLATE NOCASE);

-- migration 4
-- An incident's root cause in words (`incident update --root-cause TEXT`);
-- root_cause_at stays the time it was found.
ALTER TABLE incidents ADD COLUMN root_cause TEXT;

-- migration 5
-- The number of changes (commits with at most one parent) each cached row
-- holds, so that a warm start counts every deployment's changes without
-- reading the packed commits and reads only the rows of the deployments
-- near the window. NULL in a row written before: such a cache is rebuilt.
ALTER TABLE git_commits ADD COLUMN changes INTEGER;

-- migration 6
-- Deployments and incidents imported from the tools a team already uses
-- (`deploy import`, `incident import`; docs/metrics.md §1b). source names
-- the tool (NULL: recorded with shipdeck), source_id the tool's own id of
-- the record, origin what it belongs to there (a repository, a GitLab
-- project, an Argo CD application, a PagerDuty service, an Opsgenie entity
-- or source), source_env the environment name as the tool wrote it, url
-- where a person sees it in the tool. A record typed with shipdeck keeps
-- NULL in all of them.
ALTER TABLE deployments ADD COLUMN source TEXT
	CONSTRAINT source CHECK (source IS NULL OR source IN ('github', 'gitlab', 'argocd'));
ALTER TABLE deployments ADD COLUMN source_id TEXT;
ALTER TABLE deployments ADD COLUMN origin TEXT;
ALTER TABLE deployments ADD COLUMN source_env TEXT;
ALTER TABLE deployments ADD COLUMN url TEXT;
ALTER TABLE incidents ADD COLUMN source TEXT
	CONSTRAINT source CHECK (source IS NULL OR source IN ('pagerduty', 'opsgenie'));
ALTER TABLE incidents ADD COLUMN source_id TEXT;
ALTER TABLE incidents ADD COLUMN origin TEXT;
ALTER TABLE incidents ADD COLUMN url TEXT;
-- One row per incident of a tool: what makes a re-import an update.
CREATE UNIQUE INDEX incidents_by_source ON incidents(source, source_id)
	WHERE source IS NOT NULL;

-- migration 7
-- The builds in the order every figure reads them (by start, else queueing
-- time): a snapshot reads the window's builds through this index instead
-- of sorting the whole table, however many years of builds it holds.
CREATE INDEX builds_by_start ON builds(coalesce(started_at, created_at), provider, run_id, attempt);

-- migration 8
-- A team's services (docs/metrics.md §13): a repository, its deploy tag
-- pattern, optionally path globs (a service inside a monorepo) and a
-- default branch. With none, the repository shipdeck stands in is the one
-- implicit service, as before this migration. `origins` are the names CI
-- and incident tools give it (GitHub repository full_name, GitLab project
-- path, Jenkins job, PagerDuty service: comma globs), `ci_names` the
-- workflow or job name globs that claim a run in a monorepo.
CREATE TABLE services (
	name        TEXT PRIMARY KEY COLLATE NOCASE
	            CONSTRAINT name CHECK (length(name) BETWEEN 1 AND 64
	                                   AND name NOT GLOB '*[^A-Za-z0-9._-]*'),
	repo        TEXT NOT NULL,
	deploy_tags TEXT,
	paths       TEXT,
	branch      TEXT,
	origins     TEXT,
	ci_names    TEXT,
	created_at  INTEGER NOT NULL
) STRICT;
-- Which service a record belongs to, by name. NULL: the database's own
-- repository's service (the implicit one): every record of an older
-- database stays where it was made.
ALTER TABLE features ADD COLUMN service TEXT;
ALTER TABLE builds ADD COLUMN service TEXT;
ALTER TABLE deployments ADD COLUMN service TEXT;
ALTER TABLE incidents ADD COLUMN service TEXT;
ALTER TABLE reviews ADD COLUMN service TEXT;

-- migration 9
-- A deployment is one row per commit, environment and service, not per
-- commit and environment: two services of one monorepo (or two services
-- deploying one shared commit) each record their deployment of it
-- (docs/metrics.md §13). SQLite cannot drop a table constraint, so the
-- table is rebuilt with every row and id kept (foreign keys are off while
-- migrations run, and checked before each commits: src/store.c). A NULL
-- service is the home service's: ifnull() makes two such rows collide
-- as before, where UNIQUE would let NULLs differ.
CREATE TABLE deployments_new (
	id          INTEGER PRIMARY KEY,
	ref         TEXT NOT NULL,
	commit_sha  TEXT NOT NULL,
	env         TEXT NOT NULL
	            CONSTRAINT env CHECK (env IN ('production', 'staging')),
	strategy    TEXT
	            CONSTRAINT strategy CHECK (strategy IS NULL OR strategy IN
	            ('big-bang', 'rolling', 'canary', 'blue-green')),
	rollout     INTEGER NOT NULL DEFAULT 100
	            CONSTRAINT rollout CHECK (rollout BETWEEN 0 AND 100),
	status      TEXT NOT NULL DEFAULT 'succeeded'
	            CONSTRAINT status CHECK (status IN ('in-progress', 'succeeded', 'failed', 'rolled-back')),
	kind        TEXT NOT NULL DEFAULT 'normal'
	            CONSTRAINT kind CHECK (kind IN ('normal', 'hotfix')),
	feature_id  INTEGER REFERENCES features(id) ON DELETE SET NULL,
	at          INTEGER NOT NULL,
	note        TEXT,
	recorded_by TEXT,
	source      TEXT
	            CONSTRAINT source CHECK (source IS NULL OR source IN ('github', 'gitlab', 'argocd')),
	source_id   TEXT,
	origin      TEXT,
	source_env  TEXT,
	url         TEXT,
	service     TEXT
) STRICT;
INSERT INTO deployments_new (id, ref, commit_sha, env, strategy, rollout, status, kind, feature_id,
                             at, note, recorded_by, source, source_id, origin, source_env, url, service)
SELECT id, ref, commit_sha, env, strategy, rollout, status, kind, feature_id,
       at, note, recorded_by, source, source_id, origin, source_env, url, service
  FROM deployments;
DROP TABLE deployments;
ALTER TABLE deployments_new RENAME TO deployments;
CREATE UNIQUE INDEX deployments_per_service
	ON deployments(commit_sha, env, ifnull(service, '') COLLATE NOCASE);

-- migration 10
-- Reverts of pull requests (docs/metrics.md §3b), in the git cache like
-- the commit reverts: each commit whose subject names a pull request
-- ("Merge pull request #N ..." or a subject ending "(#N)"), with the
-- deployment that first shipped it (-1: none yet). A "Reverts #N" line is
-- a git_reverts row with target '#N'; revert_pr is the pull request the
-- reverting commit's own subject names (NULL: none), brought the
-- deployments (comma-separated) of the changes a reverted merge commit
-- brought (NULL: the reverted commit is not a merge).
CREATE TABLE git_pull_commits (
	sha         BLOB NOT NULL,
	deploy_seq  INTEGER NOT NULL,
	number      INTEGER NOT NULL,
	PRIMARY KEY (sha, number)
) STRICT;
ALTER TABLE git_reverts ADD COLUMN revert_pr INTEGER;
ALTER TABLE git_reverts ADD COLUMN brought TEXT;

-- migration 11
-- Merged pull requests (GitHub) and merge requests (GitLab) imported with
-- `pr import` (docs/metrics.md §2b): one row per tool, repository (origin:
-- the export's, or --origin; NULL when neither names one) and number. A
-- pull request links to the changes it merged by its merge (or squash)
-- commit and its listed commits. first_review_at is the first review (or
-- GitLab approval) by someone other than the author, at or before the
-- merge; reviewed_untimed says one was given whose time the export does
-- not say (a GitLab approval without approved_at).
CREATE TABLE pull_requests (
	id          INTEGER PRIMARY KEY,
	source      TEXT NOT NULL
	            CONSTRAINT source CHECK (source IN ('github', 'gitlab')),
	origin      TEXT,
	number      INTEGER NOT NULL
	            CONSTRAINT number CHECK (number > 0),
	title       TEXT NOT NULL,
	author      TEXT,
	head_ref    TEXT,
	base_ref    TEXT,
	opened_at   INTEGER NOT NULL,
	merged_at   INTEGER NOT NULL,
	merge_commit TEXT
	            CONSTRAINT merge_commit CHECK (merge_commit IS NULL OR
	            (length(merge_commit) = 40 AND merge_commit NOT GLOB '*[^0-9a-f]*')),
	first_review_at INTEGER,
	first_reviewer TEXT,
	reviewed_untimed INTEGER NOT NULL DEFAULT 0
	            CONSTRAINT reviewed_untimed CHECK (reviewed_untimed IN (0, 1)),
	imported_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX pull_requests_key ON pull_requests(source, ifnull(origin, ''), number);
CREATE TABLE pull_request_commits (
	pull_request INTEGER NOT NULL REFERENCES pull_requests(id) ON DELETE CASCADE,
	sha         TEXT NOT NULL
	            CONSTRAINT sha CHECK (length(sha) = 40 AND sha NOT GLOB '*[^0-9a-f]*'),
	PRIMARY KEY (pull_request, sha)
) STRICT;
CREATE INDEX pull_request_commits_by_sha ON pull_request_commits(sha);

-- migration 12
-- The monorepo rule's cache (docs/metrics.md §13), kept in a path service's
-- own history cache: the walked commits that touch its globs or revert
-- something (a commit's diff never changes), the deployment commits the
-- last walk started from (the next one stops there and reads only what is
-- new), and the service's placed changes and reverts for one generation of
-- the history cache (a warm start reads them and walks nothing). Rows of
-- globs that no service using this cache has any more are dropped (a
-- service's globs changed; path services of one repository scanned
-- together share their first one's cache). A cache: never exported; `sync
-- --full` rebuilds it.
CREATE TABLE git_path_commits (
	globs       TEXT NOT NULL,
	commit_id   BLOB NOT NULL,
	touches     INTEGER NOT NULL,  -- 1: a change (at most one parent) touching the globs
	author_time INTEGER NOT NULL,
	commit_time INTEGER NOT NULL,
	reverts     TEXT,              -- what its "This reverts commit" lines name, comma-separated
	PRIMARY KEY (globs, commit_id)
) STRICT, WITHOUT ROWID;
CREATE TABLE git_path_tips (
	globs     TEXT NOT NULL,
	commit_id BLOB NOT NULL,
	PRIMARY KEY (globs, commit_id)
) STRICT, WITHOUT ROWID;
CREATE TABLE git_path_results (
	globs      TEXT PRIMARY KEY,
	generation INTEGER NOT NULL,
	changes    BLOB NOT NULL,
	reverts    BLOB NOT NULL
) STRICT;

-- migration 13
-- When a pull request's work began (docs/metrics.md §2b): the earliest
-- authoredDate of the commits gh lists for it (NULL: none listed). A
-- squash merge on GitHub is authored at the merge, so the squash commit's
-- own author time says nothing of when the coding started.
ALTER TABLE pull_requests ADD COLUMN first_authored_at INTEGER;

-- migration 14
-- Each cached row's commit and change counts in a table of their own
-- (issue 17): a warm start reads every deployment's counts, and in
-- git_commits they shared their rows with the packed commits, so reading
-- them read the leaf pages of half the database. git_commits.changes is no
-- longer written. A cache whose rows predate the counts (changes NULL) is
-- rebuilt: its format is forgotten.
CREATE TABLE git_chunk_counts (
	seq         INTEGER PRIMARY KEY,  -- git_commits.seq
	n           INTEGER NOT NULL,     -- its commits
	changes     INTEGER NOT NULL      -- of which have at most one parent
) STRICT;
INSERT INTO git_chunk_counts (seq, n, changes)
	SELECT seq, n, changes FROM git_commits WHERE changes IS NOT NULL AND n >= 0 AND length(data) = n * 46;
DELETE FROM git_meta WHERE key = 'format' AND EXISTS (SELECT 1 FROM git_commits WHERE changes IS NULL);
