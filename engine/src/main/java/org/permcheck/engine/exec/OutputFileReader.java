package org.permcheck.engine.exec;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.permcheck.tensor.Tensor;
import org.permcheck.tensor.npy.Npy;
import org.permcheck.tensor.npy.NpyException;
import org.permcheck.tensor.npy.NpyHeader;

/**
 * Reads one output file of a backend's answer safely (docs/protocol.md section 5.1): the file is
 * opened once, without following symlinks (O_NOFOLLOW), and parsed from what was opened, so a
 * backend that swaps the file after answering cannot make the engine read another file, block on a
 * FIFO, or read more than the budget. Every refusal is a {@link ProtocolException} (ERROR).
 */
final class OutputFileReader {
    /** How long opening a file may take: a regular file opens at once, a FIFO swapped in never does. */
    static final long OPEN_MILLIS = 2000;

    private static final ExecutorService OPENER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "permcheck-exec-open");
        t.setDaemon(true);
        return t;
    });

    private final Path caseDir;

    /** @param caseDir the real path of the case directory (no symlink in it) */
    OutputFileReader(Path caseDir) {
        this.caseDir = caseDir;
    }

    /** The file {@code path} names, lexically inside the case directory, or refused. */
    Path resolve(String where, String path) throws ProtocolException {
        Path p;
        try {
            p = Path.of(path);
        } catch (RuntimeException e) {
            throw new ProtocolException(where + ": invalid path '" + MessageChannel.oneLine(path) + "'");
        }
        Path resolved = (p.isAbsolute() ? p : caseDir.resolve(p)).normalize();
        if (!resolved.startsWith(caseDir) || resolved.equals(caseDir)) {
            throw new ProtocolException(where + ": path " + path + " is outside the case directory (refused)");
        }
        return resolved;
    }

    /**
     * Reads the tensor at {@code path}: lstat of every component (no symlink, the file regular),
     * one open with O_NOFOLLOW bounded in time, the size of the opened file against {@code budget},
     * and never more than {@code budget + 1} bytes read whatever the size said.
     */
    Tensor read(String where, String path, long budget) throws ProtocolException {
        Path file = resolve(where, path);
        Path rel = caseDir.relativize(file);
        Path at = caseDir;
        for (int i = 0; i < rel.getNameCount(); i++) {
            at = at.resolve(rel.getName(i));
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(at, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                throw new ProtocolException(where + ": no file at " + file);
            }
            if (a.isSymbolicLink()) throw new ProtocolException(where + ": path " + path + " leads outside the case directory (refused): it is a symlink");
            boolean last = i == rel.getNameCount() - 1;
            if (last && !a.isRegularFile()) throw new ProtocolException(where + ": " + file + " is not a regular file (refused)");
            if (!last && !a.isDirectory()) throw new ProtocolException(where + ": no file at " + file);
            if (last && a.size() > budget) throw overBudget(where, a.size(), budget);
        }
        try (FileChannel ch = open(where, file)) {
            long size = ch.size(); // fstat of what was opened, not of whatever the name means now
            if (size > budget) throw overBudget(where, size, budget);
            InputStream in = new BufferedInputStream(new Limited(Channels.newInputStream(ch), budget), 1 << 16);
            String name = file.toString();
            NpyHeader h = Npy.readHeader(in, name);
            long want = h.dataOffset() + h.dataBytes();
            if (want > budget) throw overBudget(where, want, budget);
            if (size < want) {
                throw new ProtocolException(where + ": " + name + ": truncated: header promises " + h.dataBytes() + " data bytes for "
                        + h.dtype().npyDescr() + h.shapeString() + ", file has " + (size - h.dataOffset()));
            }
            Tensor t = Npy.readData(in, h, name);
            if (in.read() >= 0) throw new ProtocolException(where + ": " + name + ": bytes after the data of " + h.dtype().npyDescr() + h.shapeString());
            return t;
        } catch (Limited.Over e) {
            throw overBudget(where, e.limit + 1, budget);
        } catch (NpyException e) {
            throw new ProtocolException(where + ": " + e.getMessage());
        } catch (IOException e) {
            throw new ProtocolException(where + ": cannot read " + file + ": " + MessageChannel.oneLine(String.valueOf(e.getMessage())));
        }
    }

    /** Opens with O_NOFOLLOW on a helper thread: a FIFO swapped in after the lstat blocks that thread, not the engine. */
    private static FileChannel open(String where, Path file) throws ProtocolException {
        Future<FileChannel> f = OPENER.submit(() -> FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
        try {
            return f.get(OPEN_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            unblock(file);
            throw new ProtocolException(where + ": " + file + " did not open within " + OPEN_MILLIS + " ms (not a regular file; refused)");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof NoSuchFileException) throw new ProtocolException(where + ": no file at " + file);
            // ELOOP: the name became a symlink after the lstat
            throw new ProtocolException(where + ": cannot open " + file + " (refused): " + MessageChannel.oneLine(String.valueOf(c.getMessage())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProtocolException(where + ": interrupted while opening " + file);
        }
    }

    /** Lets a thread stuck opening a FIFO go: opening the write end completes its open (it then reads EOF and closes). */
    private static void unblock(Path file) {
        OPENER.submit(() -> {
            try (FileChannel w = FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
        });
    }

    private static ProtocolException overBudget(String where, long size, long budget) {
        return new ProtocolException(where + ": " + size + " bytes, over the limit of " + budget + " bytes for this case");
    }

    /** A stream that refuses to give more than {@code limit} bytes: reading past it throws. */
    private static final class Limited extends FilterInputStream {
        static final class Over extends IOException {
            final long limit;

            Over(long limit) {
                super("over " + limit + " bytes");
                this.limit = limit;
            }
        }

        private final long limit;
        private long read;

        Limited(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            if (read >= limit) {
                if (super.read() < 0) return -1;
                throw new Over(limit);
            }
            int c = super.read();
            if (c >= 0) read++;
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (read >= limit) {
                if (super.read() < 0) return -1;
                throw new Over(limit);
            }
            int n = super.read(b, off, (int) Math.min(len, limit - read));
            if (n > 0) read += n;
            return n;
        }
    }
}
