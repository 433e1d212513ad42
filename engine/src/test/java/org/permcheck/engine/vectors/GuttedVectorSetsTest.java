package org.permcheck.engine.vectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Issue 9 "Gutted vector sets verify": each corruption of the committed set is refused by load (run) and by verify. */
class GuttedVectorSetsTest {

    @ParameterizedTest
    @EnumSource(VectorCorruption.class)
    void loadRefusesWithOneLine(VectorCorruption c, @TempDir Path tmp) throws IOException {
        Path d = VectorPromoteAndErrorsTest.copyOfCommitted(tmp);
        c.apply(d);
        IOException e = assertThrows(IOException.class, () -> VectorSet.load(d), c + " must not load");
        assertTrue(e.getMessage().contains(c.expected), c + ": " + e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(VectorCorruption.class)
    void verifyReportsTheProblem(VectorCorruption c, @TempDir Path tmp) throws IOException {
        Path d = VectorPromoteAndErrorsTest.copyOfCommitted(tmp);
        c.apply(d);
        List<String> problems = VectorSet.verify(d);
        assertEquals(1, problems.size(), c + ": exactly the one corruption: " + problems);
        assertTrue(problems.get(0).contains(c.expected), c + ": " + problems);
    }
}
