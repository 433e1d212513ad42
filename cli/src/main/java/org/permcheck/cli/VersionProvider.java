package org.permcheck.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import picocli.CommandLine.IVersionProvider;

/** permcheck's version (filled in by Maven resource filtering) and the commit the script found. */
final class VersionProvider implements IVersionProvider {

    static String version() {
        try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Set by the ./permcheck script from `git rev-parse HEAD`; "unknown" elsewhere. */
    static String commit() {
        return System.getProperty("permcheck.commit", "unknown");
    }

    @Override
    public String[] getVersion() {
        return new String[] {"permcheck " + version() + " (commit " + commit() + ")",
                "JDK " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }
}
