/* dbfiles — a team database is one file that several Unix users open, and
 * SQLite keeps two more beside it in WAL mode: -wal and -shm. Whoever opens
 * the database first creates them, as that user, so they must come out with
 * the database's group and mode or the next member cannot open it at all
 * ("unable to open database file"). SQLite's unix VFS copies the database's
 * mode (and, as root, its owner) but leaves gaps this module fills:
 *
 * - SQLite opens with the mode and fchmods afterwards: for that moment the
 *   umask has taken the group bits (umask 077: 0600), and a member opening
 *   then fails. A database the group may open clears the group bits from
 *   the umask of this process, so the files are right from the first byte.
 *   shipdeck creates no other file (docs/security.md).
 * - The group is the creator's unless the directory is setgid: missing -wal
 *   and -shm of a WAL database are made here first, under a temporary name,
 *   given the database's group and mode, then linked into place, so another
 *   member never sees them half-made. Any this process made are fixed after
 *   SQLite opened (a new database switches to WAL only then).
 * - A member who may only read the database still creates -wal and -shm when
 *   they are missing; made with the database's mode they would lock out its
 *   owner, so a member who is not the owner gives the group the owner's
 *   access to them (the owner reaches them through the group).
 * The store keeps -wal and -shm after the last connection closes for a
 * database the group may open (SQLITE_FCNTL_PERSIST_WAL), so SQLite itself
 * does not delete and re-create them with each command. */
#include "dbfiles.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"
#include "util.h"

static const char *const companions[] = {"-wal", "-shm"};

/* Nothing here opens the database, its -wal or its -shm: closing any
 * descriptor of a file drops every POSIX lock this process holds on it,
 * SQLite's included (the lock that says "the -shm is in use" goes, and the
 * next process wipes the -shm under our feet: SIGBUS, a malformed
 * database). Ownership and mode change through the path, never following
 * a link. */

static bool dir_stat(const char *path, struct stat *sb)
{
	char *dir = paths_dirname(path);
	bool ok = stat(dir, sb) == 0;
	free(dir);
	return ok;
}

bool dbfiles_take_dir_group(int fd, const char *path)
{
	struct stat dir, file;
	if (!dir_stat(path, &dir) || fstat(fd, &file) != 0)
		return false;
	return file.st_gid == dir.st_gid || fchown(fd, (uid_t)-1, dir.st_gid) == 0;
}

/* The regular file at path (not a link), or false. */
static bool regular_at(const char *path, struct stat *sb)
{
	return lstat(path, sb) == 0 && S_ISREG(sb->st_mode);
}

/* The mode of a -wal or -shm: the database's, and when someone other than
 * the database's owner makes it, the owner's access given to the group. */
static mode_t companion_mode(const struct stat *db)
{
	mode_t m = db->st_mode & 0666;
	if (db->st_uid != geteuid() && geteuid() != 0) /* root gives the owner's uid */
		m |= (m & 0600) >> 3;
	return m;
}

/* Gives the file at path the database's group (and, as root, owner, as
 * SQLite does) and the companion mode, where they differ. */
static void match_db(const char *path, const struct stat *now, const struct stat *db)
{
	bool root = geteuid() == 0;
	if (now->st_gid != db->st_gid || (root && now->st_uid != db->st_uid)) {
		if (fchownat(AT_FDCWD, path, root ? db->st_uid : (uid_t)-1, db->st_gid,
			     AT_SYMLINK_NOFOLLOW) != 0)
			return; /* not a member of its group: leave it to a member */
	}
	if ((now->st_mode & 0777) != companion_mode(db))
		(void)fchmodat(AT_FDCWD, path, companion_mode(db), AT_SYMLINK_NOFOLLOW);
}

/* Fixes a -wal or -shm this process owns (others' are theirs to fix). */
static void fix_companion(const char *path, const struct stat *db)
{
	struct stat sb;
	if (regular_at(path, &sb) && (sb.st_uid == geteuid() || geteuid() == 0))
		match_db(path, &sb, db);
}

/* Creates a missing -wal or -shm under a temporary name, right, then links
 * it into place: if another member made it meanwhile, theirs stays. An
 * empty -wal and -shm are what SQLite starts from itself. */
static void make_companion(const char *path, const struct stat *db)
{
	char *tmp = xasprintf("%s.XXXXXX", path);
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		free(tmp);
		return; /* a directory we may not write: SQLite will say so */
	}
	close(fd);
	struct stat sb;
	if (regular_at(tmp, &sb))
		match_db(tmp, &sb, db);
	if (link(tmp, path) != 0 && errno != EEXIST) {
		/* a file system without hard links: create it in place */
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0) {
			close(fd); /* new: no lock of ours on it yet */
			if (regular_at(path, &sb))
				match_db(path, &sb, db);
		}
	}
	unlink(tmp);
	free(tmp);
}

/* SQLite creates -wal and -shm with open(mode) then fchmod: keep the umask
 * from taking the group bits the database has in between. */
static void keep_group_bits(mode_t db_mode)
{
	mode_t u = umask(0);
	umask(u & ~(db_mode & 0070));
}

static void each_companion(const char *path, const struct stat *db, bool create)
{
	for (size_t i = 0; i < ARRAY_SIZE(companions); i++) {
		char *p = xasprintf("%s%s", path, companions[i]);
		struct stat sb;
		if (create && lstat(p, &sb) != 0 && errno == ENOENT)
			make_companion(p, db);
		else
			fix_companion(p, db);
		free(p);
	}
}

void dbfiles_share(const char *path)
{
	struct stat db, dir;
	if (!regular_at(path, &db) || db.st_uid != geteuid())
		return;
	if (dir_stat(path, &dir) && db.st_gid != dir.st_gid)
		(void)fchownat(AT_FDCWD, path, (uid_t)-1, dir.st_gid, AT_SYMLINK_NOFOLLOW);
	if ((db.st_mode & 0660) != 0660)
		(void)fchmodat(AT_FDCWD, path, (db.st_mode & 07777) | 0660, AT_SYMLINK_NOFOLLOW);
}

void dbfiles_prepare(const char *path, bool wal)
{
	struct stat db;
	if (!regular_at(path, &db))
		return;
	if (db.st_mode & 0070)
		keep_group_bits(db.st_mode);
	if (wal)
		each_companion(path, &db, true);
}

void dbfiles_after_open(const char *path)
{
	struct stat db;
	if (regular_at(path, &db))
		each_companion(path, &db, false);
}

bool dbfiles_writable(const char *path)
{
	return faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) == 0 || errno == ENOENT;
}

bool dbfiles_group_shared(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 && (sb.st_mode & 0070) != 0;
}

bool dbfiles_dir_setgid(const char *path)
{
	struct stat dir;
	return dir_stat(path, &dir) && (dir.st_mode & S_ISGID);
}
