/* dbfiles — the release database's files on a shared box: group, mode, and
 * the -wal and -shm SQLite keeps beside it. */
#ifndef SD_DBFILES_H
#define SD_DBFILES_H

#include <stdbool.h>
#include <sys/types.h>

/* Gives a database file just created (fd) the group of its directory, as a
 * setgid directory would (--shared); false when we may not. */
bool dbfiles_take_dir_group(int fd, const char *path);
/* --shared: makes a database this process owns group-readable and
 * -writable for its directory's group. Call before SQLite opens path. */
void dbfiles_share(const char *path);
/* Once SQLite has opened path, before its first query (which opens -wal and
 * -shm): for a database the group may open, clears the group bits from the
 * umask (SQLite creates -wal and -shm with the database's mode, but through
 * the umask first); for a WAL database (wal: its header says so), creates
 * missing -wal and -shm with its group and mode, and fixes the ones this
 * process owns. */
void dbfiles_prepare(const char *path, bool wal);
/* After SQLite switched to WAL: -wal and -shm it made for this process get
 * the database's group and mode too. */
void dbfiles_after_open(const char *path);
/* Whether this process may write the database file (its effective ids). */
bool dbfiles_writable(const char *path);
/* Whether other members reach the database through its group. */
bool dbfiles_group_shared(const char *path);
/* Whether the directory holding path has the setgid bit (files made in it
 * take its group). */
bool dbfiles_dir_setgid(const char *path);

#endif
