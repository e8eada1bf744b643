#!/usr/bin/env python3
"""Generates a large, realistic git history for the gitscan benchmark.

Feeds `git fast-import` (the only way to make 100 000 commits in seconds):
feature branches merged with --no-ff, direct fixes on main, release tags
(annotated and lightweight, taggers in +0530 and -0700), release candidates,
maintenance branches with patch tags that main does not contain, and
"This reverts commit <sha>" reverts, some shipped with the change they
revert and some a release later. Deterministic for a given seed.

With --branches N it also leaves N remote-tracking branches
(refs/remotes/origin/topic/NNNNNN) at the tips of merged feature branches,
as a big monorepo's clone has tens of thousands of stale branches: refs to
list and compare, no commits to walk. With --loose the refs stay loose
files and no commit-graph is written (a clone nobody ever packed).

usage: gen-history.py DIR [--commits N] [--tags N] [--branches N] [--loose] [--seed S]
"""
import argparse
import os
import random
import subprocess
import sys

ZONES = [("+0000", 0), ("+0530", 19800), ("-0700", -25200), ("+0100", 3600), ("-0400", -14400)]
AUTHORS = [("Asha Rao", "asha@example.com", 1), ("Dan Ortiz", "dan@example.com", 2),
           ("Mei Lin", "mei@example.com", 0), ("Tom Berg", "tom@example.com", 3),
           ("Ines Costa", "ines@example.com", 4), ("Ravi Iyer", "ravi@example.com", 1)]


class Gen:
    def __init__(self, repo, commits, tags, seed, branches=0):
        self.rnd = random.Random(seed)
        self.branch_target = branches
        self.nbranches = 0
        self.target = commits
        self.tag_target = tags
        self.n = 0            # commits made
        self.ntags = 0
        self.mark = 0
        self.t = 1451606400   # 2016-01-01T00:00:00Z
        self.proc = subprocess.Popen(["git", "-C", repo, "fast-import", "--quiet", "--done"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.out = self.proc.stdin
        self.sha_of = {}
        self.recent = []      # marks of recent main commits (revert candidates)
        self.pending_reverts = []

    def w(self, s):
        self.out.write(s.encode())

    def data(self, text):
        b = text.encode()
        self.out.write(b"data %d\n" % len(b))
        self.out.write(b)
        self.out.write(b"\n")

    def person(self, who=None):
        name, email, z = who or self.rnd.choice(AUTHORS)
        zone = ZONES[z][0]
        return "%s <%s> %d %s" % (name, email, self.t, zone)

    def commit(self, ref, parents, msg, author_lag=0):
        self.mark += 1
        m = self.mark
        self.t += self.rnd.randint(120, 3000)
        who = self.rnd.choice(AUTHORS)
        self.w("commit %s\nmark :%d\n" % (ref, m))
        name, email, z = who
        self.w("author %s <%s> %d %s\n" % (name, email, self.t - author_lag, ZONES[z][0]))
        self.w("committer %s\n" % self.person(who))
        self.data(msg)
        if parents:
            self.w("from :%d\n" % parents[0])
            for p in parents[1:]:
                self.w("merge :%d\n" % p)
        path = "src/mod%02d/file%03d.c" % (self.rnd.randrange(40), self.rnd.randrange(200))
        self.w("M 100644 inline %s\n" % path)
        self.data("/* %d */\nint v%d = %d;\n" % (m, m, self.rnd.randrange(1 << 30)))
        self.n += 1
        return m

    def sha(self, m):
        """Asks fast-import for a commit's id (for revert messages)."""
        if m not in self.sha_of:
            self.w("get-mark :%d\n" % m)
            self.out.flush()
            self.sha_of[m] = self.proc.stdout.readline().decode().strip()
        return self.sha_of[m]

    def tag(self, name, m, annotated):
        self.ntags += 1
        self.t += self.rnd.randint(60, 1800)
        if annotated:
            self.w("tag %s\nfrom :%d\ntagger %s\n" % (name, m, self.person()))
            self.data("Release %s\n" % name)
        else:
            self.w("reset refs/tags/%s\nfrom :%d\n\n" % (name, m))

    def stale_branches(self, ftip):
        """Leaves remote branches at a merged feature tip, spread evenly
        over the history so that the count lands near --branches."""
        want = self.branch_target * min(1.0, self.n / self.target)
        while self.nbranches < want:
            self.nbranches += 1
            self.w("reset refs/remotes/origin/topic/%06d\nfrom :%d\n\n" % (self.nbranches, ftip))

    def main_commit(self, parents, subject):
        m = self.commit("refs/heads/main", parents, subject + "\n\nDetails of the change.\n",
                        author_lag=self.rnd.randint(0, 5 * 86400))
        self.recent.append(m)
        del self.recent[:-40]
        return m

    def revert(self, tip):
        victim = self.rnd.choice(self.recent[:-1] or self.recent)
        sha = self.sha(victim)
        if self.rnd.random() < 0.2:
            sha = sha[:self.rnd.choice([7, 10, 12])]   # abbreviated by hand
        return self.commit("refs/heads/main", [tip],
                           'Revert "change %d"\n\nThis reverts commit %s.\n' % (victim, sha))

    def run(self):
        tip = self.main_commit([], "Initial commit")
        major, minor, patch = 1, 0, 0
        maints = []           # [branch, tip mark, version prefix, next patch]
        # one step is ~1.7 commits and a release brings ~0.4 more tags
        # (candidates, patches): calibrated to land near --tags
        per_tag = max(2.0, 0.8 * self.target / max(1, self.tag_target))
        since_tag = 0
        feature = 0
        while self.n < self.target:
            r = self.rnd.random()
            if r < 0.30:
                # a feature branch, merged with --no-ff
                feature += 1
                ref = "refs/heads/feature/f%02d" % (feature % 40)
                ftip = tip
                for i in range(self.rnd.randint(1, 6)):
                    ftip = self.commit(ref, [ftip], "feature %d: step %d\n" % (feature, i))
                tip = self.commit("refs/heads/main", [tip, ftip],
                                  "Merge branch 'feature/f%02d'\n" % (feature % 40))
                self.stale_branches(ftip)
                since_tag += 1
            elif r < 0.33 and len(self.recent) > 2:
                tip = self.revert(tip)
                self.recent.append(tip)
                since_tag += 1
            elif r < 0.36 and maints:
                mt = self.rnd.choice(maints)
                mt[1] = self.commit(mt[0], [mt[1]], "Backport fix to %s\n" % mt[2])
                mt[3] += 1
                self.tag("v%s.%d" % (mt[2], mt[3]), mt[1], self.rnd.random() < 0.5)
            else:
                tip = self.main_commit([tip], "Fix %d" % self.n)
                since_tag += 1
            if since_tag >= per_tag and self.n < self.target:
                since_tag -= per_tag     # fractional: keeps the average exact
                minor += 1
                if minor % 10 == 0:
                    major, minor = major + 1, 0
                version = "%d.%d" % (major, minor)
                if self.rnd.random() < 0.25:
                    self.tag("v%s.0-rc1" % version, tip, True)
                self.tag("v%s.0" % version, tip, self.rnd.random() < 0.6)
                if self.rnd.random() < 0.15:
                    branch = "refs/heads/maint/%s" % version
                    self.w("reset %s\nfrom :%d\n\n" % (branch, tip))
                    maints.append([branch, tip, version, 0])
                    del maints[:-8]
        # HEAD and the remote's default, as in a clone
        self.w("done\n")
        self.out.close()
        self.proc.wait()
        if self.proc.returncode != 0:
            sys.exit("fast-import failed")
        return self.n, self.ntags


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--commits", type=int, default=100000)
    ap.add_argument("--tags", type=int, default=6000)
    ap.add_argument("--branches", type=int, default=0)
    ap.add_argument("--loose", action="store_true")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if os.path.exists(a.dir):
        sys.exit("%s exists; remove it first" % a.dir)
    subprocess.check_call(["git", "init", "-q", "-b", "main", a.dir])
    n, ntags = Gen(a.dir, a.commits, a.tags, a.seed, a.branches).run()
    if not a.loose:
        # what a maintained clone looks like: packed refs and a commit-graph
        subprocess.check_call(["git", "-C", a.dir, "pack-refs", "--all"])
        subprocess.check_call(["git", "-C", a.dir, "commit-graph", "write", "--reachable"],
                              stderr=subprocess.DEVNULL)
    print("%s: %d commits, %d tags" % (a.dir, n, ntags))


if __name__ == "__main__":
    main()
