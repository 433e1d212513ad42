package org.permcheck.engine.report;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A report directory claimed by one run (docs/checks.md, "Guarantees"): locked for the run's whole
 * life ({@link #LOCK}, FileChannel.tryLock, so a second run into the same directory fails at once
 * and touches nothing), and cleared of the previous run's reports, journal and repro bundles, but
 * only when the directory is recognisably ours (it holds the lock file, a report.json or a
 * journal), never an arbitrary directory the user pointed at. The OS releases the lock when the
 * process dies, kill -9 included; the lock file stays (deleting it would race a run that opened it).
 */
public final class ReportDir implements AutoCloseable {
    public static final String LOCK = ".permcheck.lock";

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private ReportDir(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates (if needed), locks and clears {@code dir}; with {@code keepBundles} the repro bundles
     * stay (a resumed fuzz campaign's earlier sessions wrote them, and its reports of those sessions'
     * signatures point there).
     *
     * @throws IOException one line: the path is a file, or another run holds the directory
     */
    public static ReportDir claim(Path dir, boolean keepBundles) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw new IOException(dir + " is a file, not a directory");
        Files.createDirectories(dir);
        boolean ours = Files.exists(dir.resolve(LOCK), LinkOption.NOFOLLOW_LINKS) || Files.isRegularFile(dir.resolve(ReportSet.JSON))
                || Files.isRegularFile(dir.resolve(RunJournal.FILE));
        FileChannel ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very process (another run in the same JVM)
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            String holder = holder(ch);
            ch.close();
            throw new IOException(dir + " is in use by another permcheck run" + (holder.isEmpty() ? "" : " (" + holder + ")")
                    + "; give this run another --out");
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + ", since " + Instant.now() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(true);
        ReportDir claimed = new ReportDir(dir, ch, lock);
        if (ours) claimed.clear(keepBundles);
        return claimed;
    }

    public Path path() { return dir; }

    /** Removes the previous run's reports (and their partial files), its journal and its repro bundles. */
    private void clear(boolean keepBundles) throws IOException {
        for (String name : ReportSet.NAMES) {
            Files.deleteIfExists(dir.resolve(name));
            Files.deleteIfExists(ReportSet.partial(dir, name));
        }
        Files.deleteIfExists(dir.resolve(RunJournal.FILE));
        Path repro = dir.resolve(ReportSet.REPRO_DIR);
        if (!keepBundles && Files.isDirectory(repro, LinkOption.NOFOLLOW_LINKS)) {
            // Files.walk does not follow links: a symlink inside is removed, never what it points at
            try (Stream<Path> walk = Files.walk(repro)) {
                List<Path> all = walk.sorted(Comparator.reverseOrder()).toList();
                for (Path p : all) Files.delete(p);
            }
        }
    }

    private static String holder(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(200);
            ch.read(b, 0);
            return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** Releases the lock. */
    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) lock.release();
        } finally {
            channel.close();
        }
    }
}
