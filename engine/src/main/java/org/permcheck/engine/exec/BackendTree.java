package org.permcheck.engine.exec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Every process that belongs to one backend, so that close, crash and timeout end all of them
 * (docs/protocol.md section 6). A backend starts as the leader of its own session ({@code setsid},
 * where the system has it) with a marker in its environment ({@link #TOKEN_VARIABLE}, a value of its
 * own); a process is the backend's when it is a descendant of the root, in the root's session, or
 * carries the marker. The last two find what {@link ProcessHandle#descendants()} misses: a
 * daemonised grandchild (double fork: its parent is init) keeps the session and the environment.
 * What escapes: a process that calls setsid itself and also clears its environment, or one run as
 * another user. Session and environment are read from /proc (Linux); elsewhere only descendants.
 */
final class BackendTree {
    /** The environment variable that marks a backend's processes; its value is unique per start. */
    static final String TOKEN_VARIABLE = "PERMCHECK_BACKEND_TOKEN";

    private static final Path PROC = Path.of("/proc");
    /** environ files are small; a bound keeps a hostile one from costing memory. */
    private static final int MAX_ENVIRON = 1 << 20;
    /** Kill rounds: a process forking while we kill gets its new children caught in the next round. */
    private static final int ROUNDS = 5;

    private final ProcessHandle root;
    private final String marker;

    BackendTree(ProcessHandle root, String token) {
        this.root = root;
        this.marker = TOKEN_VARIABLE + "=" + token;
    }

    /** The {@code setsid} program to start the backend under, or null where there is none. */
    static String setsid() {
        for (String p : new String[] {"/usr/bin/setsid", "/bin/setsid"}) {
            if (Files.isExecutable(Path.of(p))) return p;
        }
        return null;
    }

    /** Kills the root and every member, in rounds until none is left alive (at most {@link #ROUNDS}). */
    void killAll() {
        root.destroyForcibly();
        for (int round = 0; round < ROUNDS; round++) {
            Set<ProcessHandle> alive = members();
            if (alive.isEmpty()) return;
            alive.forEach(ProcessHandle::destroyForcibly);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The live members other than this JVM: descendants, the root's session, the marker's carriers. */
    Set<ProcessHandle> members() {
        Set<ProcessHandle> found = new LinkedHashSet<>();
        long self = ProcessHandle.current().pid();
        try {
            root.descendants().filter(ProcessHandle::isAlive).forEach(found::add);
        } catch (RuntimeException vanished) {
            // a process may exit while we walk the tree; the scan below still runs
        }
        if (!Files.isDirectory(PROC)) return found;
        ProcessHandle.allProcesses().forEach(p -> {
            if (p.pid() == self || !p.isAlive()) return;
            if (p.pid() == root.pid() || session(p.pid()) == root.pid() || carriesMarker(p.pid())) found.add(p);
        });
        return found;
    }

    /** Field 6 of /proc/PID/stat (the session id), or -1. The command name may hold spaces and parentheses. */
    private static long session(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.ISO_8859_1);
            String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(after[3]); // state ppid pgrp session
        } catch (IOException | RuntimeException gone) {
            return -1;
        }
    }

    private boolean carriesMarker(long pid) {
        try (InputStream in = Files.newInputStream(PROC.resolve(Long.toString(pid)).resolve("environ"))) {
            byte[] env = in.readNBytes(MAX_ENVIRON);
            String text = new String(env, StandardCharsets.ISO_8859_1);
            for (String entry : text.split("\0")) {
                if (entry.equals(marker)) return true;
            }
            return false;
        } catch (IOException | RuntimeException notOurs) {
            return false; // another user's process, or gone
        }
    }
}
