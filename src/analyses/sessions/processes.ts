/**
 * Which process owns which socket: the same walk `ss -p` makes.
 *
 * Every open file of a process is a symlink /proc/<pid>/fd/<n>; a socket's link reads
 * `socket:[<inode>]`, the inode in /proc/net/tcp. The command name is /proc/<pid>/comm.
 * Processes of other users are readable only as root; those stay unattributed (null).
 */
import { readdir, readFile, readlink } from "node:fs/promises";
import { join } from "node:path";

/** The process behind a socket. */
export interface SocketOwner {
  pid: number;
  /** Command name (/proc/<pid>/comm), up to 15 characters. */
  command: string;
}

/**
 * Maps socket inodes to their owning process, for the inodes asked for. Processes that exit or
 * cannot be read during the walk are skipped. Where several processes share a socket (after
 * fork), the lowest pid is kept.
 */
export async function socketOwners(inodes: ReadonlySet<number>, procRoot = "/proc"): Promise<Map<number, SocketOwner>> {
  const owners = new Map<number, SocketOwner>();
  if (inodes.size === 0) return owners;
  let pids: number[];
  try {
    pids = (await readdir(procRoot)).filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
  } catch {
    return owners;
  }
  for (const pid of pids) {
    const fdDir = join(procRoot, String(pid), "fd");
    let fds: string[];
    try {
      fds = await readdir(fdDir);
    } catch {
      continue;
    }
    let command: string | null = null;
    for (const fd of fds) {
      let target: string;
      try {
        target = await readlink(join(fdDir, fd));
      } catch {
        continue;
      }
      // "socket:[12345]"
      if (!target.startsWith("socket:[")) continue;
      const inode = Number(target.slice(8, -1));
      if (!inodes.has(inode) || owners.has(inode)) continue;
      command ??= await readFile(join(procRoot, String(pid), "comm"), "utf8").then((s) => s.trim(), () => "?");
      owners.set(inode, { pid, command });
    }
  }
  return owners;
}
