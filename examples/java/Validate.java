/*
 * Validates a DECP file through libdecp with JNA and prints its findings as the
 * CLI's text report does (LINE:COLUMN: SEVERITY [CODE] MESSAGE (PATH)).
 * Exit code: 0 valid, 1 not valid, 2 failure.
 *
 *   cargo build --release -p decp-ffi
 *   javac -cp /usr/share/java/jna.jar -d target/java examples/java/Validate.java
 *   java -cp /usr/share/java/jna.jar:target/java -Djna.library.path=target/release \
 *        Validate tests/data/official/v2/xml/Marche.xml
 */
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.PointerByReference;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

public final class Validate {
    /** The functions of decp.h this example uses; enums are ints, size_t is long (64-bit). */
    public interface Decp extends Library {
        int DECP_STATUS_OK = 0;

        int decp_validate_file(String path, Pointer opts, PointerByReference out);
        long decp_report_issue_count(Pointer report);
        int decp_report_issue(Pointer report, long index, Issue out);
        byte decp_report_is_valid(Pointer report); // C bool: one byte
        Pointer decp_report_fatal(Pointer report);
        void decp_report_free(Pointer report);
        String decp_status_str(int status);
        String decp_last_error_message();
    }

    /** decp_issue: UTF-8 strings borrowed from the report until decp_report_free. */
    @Structure.FieldOrder({"code", "severity", "path", "message", "value", "line", "column", "record"})
    public static final class Issue extends Structure {
        public Pointer code;
        public int severity;
        public Pointer path;
        public Pointer message;
        public Pointer value; // NULL when the finding has no value
        public long line;
        public long column;
        public long record;
    }

    private static String utf8(Pointer p) {
        return p == null ? null : p.getString(0, "UTF-8");
    }

    private static final String[] SEVERITY = {"error", "warning", "info"};

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        if (args.length != 1) {
            System.err.println("usage: Validate FILE");
            System.exit(2);
        }
        Decp decp = Native.load("decp", Decp.class, Map.of(Library.OPTION_STRING_ENCODING, "UTF-8"));
        PointerByReference ref = new PointerByReference();
        // opts NULL: the defaults (format detected, French messages, tolerant).
        int status = decp.decp_validate_file(args[0], null, ref);
        if (status != Decp.DECP_STATUS_OK) {
            System.err.println("decp: " + decp.decp_status_str(status) + ": " + decp.decp_last_error_message());
            System.exit(2);
        }
        Pointer report = ref.getValue();
        long n = decp.decp_report_issue_count(report);
        Issue issue = new Issue();
        for (long i = 0; i < n; i++) {
            decp.decp_report_issue(report, i, issue);
            out.printf("%d:%d: %s [%s] %s (%s)%n", issue.line, issue.column, SEVERITY[issue.severity],
                    utf8(issue.code), utf8(issue.message), utf8(issue.path));
        }
        Pointer fatal = decp.decp_report_fatal(report);
        if (fatal != null) {
            // The input could not be read to the end: exit 2, as the CLI does.
            System.err.println("decp: " + args[0] + ": " + utf8(fatal));
            decp.decp_report_free(report);
            System.exit(2);
        }
        boolean valid = decp.decp_report_is_valid(report) != 0;
        decp.decp_report_free(report);
        out.flush();
        System.exit(valid ? 0 : 1);
    }
}
