/*
 * procfs.h - `--procfs DIR`: a /proc-like tree of a machine, kept on disk
 * so that standard tools (free, vmstat, slabtop, pmap, ps) can read it
 * through a bind mount over /proc (docs/procfs.md).
 *
 * The tree: every machine-wide file mmsim_proc_files() lists (meminfo,
 * vmstat, zoneinfo, buddyinfo, pagetypeinfo, slabinfo, stat, loadavg,
 * uptime, cpuinfo, sys/kernel/pid_max, ...), sys/vm/NAME for every vm
 * sysctl, and
 * PID/ for every live process (thread-group leader) with the files
 * mmsim_proc_pid_files() lists, plus "self", a symlink to the PID
 * directory of the process the simulated kernel ran last (else of the
 * lowest live pid). PID directories of processes that are gone are
 * removed. Only the command uses this; it goes through the public API.
 *
 * Invariants: nothing is written outside DIR (every path is opened
 * relative to DIR without following symlinks); a reader never sees half a
 * file (each is written to a temporary name and renamed into place) nor a
 * half-filled PID directory (a new one is filled under a temporary name
 * first). DIR must be missing (it is created), empty, or a tree this code
 * wrote before (it carries a .mmsim-procfs marker); a file, or a directory
 * with other things in it, is refused.
 */
#ifndef MMSIM_PROCFS_H
#define MMSIM_PROCFS_H

#include "mmsim/mmsim.h"

/*
 * The simulated time between two updates of the tree of a running machine
 * (output.h's sink procfs_sink writes it at boot, at each interval, and at
 * the machine's end; `mmsim repl` also after each input).
 */
#define PROCFS_INTERVAL_NS	1000000000ULL

/* Write the whole tree of m into dir now. 0, or -1 after printing why. */
int procfs_sync(mmsim_machine *m, const char *dir);

#endif
