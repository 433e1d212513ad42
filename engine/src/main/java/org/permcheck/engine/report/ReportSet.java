package org.permcheck.engine.report;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import org.permcheck.engine.model.RunResult;

/**
 * Writes every report of one run into one directory: report.json, summary.md, report.html and
 * junit.xml. (Repro bundles are written while the run goes, by {@link ReproBundle}, into
 * {@code repro/} of the same directory, and are referenced from the reports; the run's journal
 * is {@link RunJournal}.)
 *
 * <p>The set is replaced whole or not at all (docs/checks.md, "Guarantees"): each report is
 * written to {@code .NAME.partial} in the same directory and forced to disk; only when all four
 * are complete are they renamed into place (ATOMIC_MOVE). A write that fails (disk full) deletes
 * the partial files and leaves the previous set as it was, never a truncated report beside old ones.
 */
public final class ReportSet {
    public static final String JSON = "report.json", MARKDOWN = "summary.md", HTML = "report.html", JUNIT = "junit.xml";
    public static final String REPRO_DIR = "repro";
    /** The four report names, in the order {@link #write} returns them. */
    public static final List<String> NAMES = List.of(JSON, MARKDOWN, HTML, JUNIT);

    private ReportSet() {}

    @FunctionalInterface
    private interface Writer {
        void write(RunResult run, Path file) throws IOException;
    }

    private static final List<Writer> WRITERS = List.of(JsonReport::write, text((run, dir) -> MarkdownSummary.render(run)),
            text(HtmlReport::render), text((run, dir) -> JUnitXmlReport.render(run)));

    /** A report rendered as one string and written as UTF-8; {@code render} is told the report directory (report.html links bundles relative to it). */
    private static Writer text(BiFunction<RunResult, Path, String> render) {
        return (run, file) -> Files.writeString(file, render.apply(run, file.toAbsolutePath().getParent()), StandardCharsets.UTF_8);
    }

    /** Writes the four reports and returns their paths, in the order above. */
    public static List<Path> write(RunResult run, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> partials = new ArrayList<>();
        try {
            for (int i = 0; i < NAMES.size(); i++) {
                Path partial = partial(dir, NAMES.get(i));
                partials.add(partial);
                WRITERS.get(i).write(run, partial);
                sync(partial);
            }
        } catch (IOException | RuntimeException e) {
            for (Path p : partials) deleteQuietly(p);
            throw e;
        }
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < NAMES.size(); i++) {
            Path target = dir.resolve(NAMES.get(i));
            moveIntoPlace(partials.get(i), target);
            out.add(target);
        }
        return out;
    }

    /** Where {@code name} is written before it is renamed into place (campaign.json too). */
    static Path partial(Path dir, String name) {
        return dir.resolve("." + name + ".partial");
    }

    /** A written partial file on the disk, before its rename makes it the file (a kill -9 keeps one or the other). */
    static void sync(Path partial) throws IOException {
        try (FileChannel ch = FileChannel.open(partial, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** Renames a synced partial file onto its target, atomically where the file system can. */
    static void moveIntoPlace(Path partial, Path target) throws IOException {
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: a partial file left behind is hidden and never read as a report
        }
    }
}
