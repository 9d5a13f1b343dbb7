/*
 * Validates a DECP file (JSON or XML, any size) through libdecp and prints its
 * findings as the CLI's text report does, one per line:
 *   LINE:COLUMN: SEVERITY [CODE] MESSAGE (PATH)
 * Exit code: 0 valid, 1 not valid, 2 failure.
 *
 *   cargo build --release -p decp-ffi
 *   cc -std=c99 -Idecp-ffi/include examples/c/validate.c target/release/libdecp.a \
 *      -lpthread -ldl -lm -o validate
 *   ./validate tests/data/official/v2/xml/Marche.xml
 */
#include "decp.h"

#include <stdio.h>

static const char *severity(decp_severity s) {
    switch (s) {
    case DECP_SEVERITY_ERROR:
        return "error";
    case DECP_SEVERITY_WARNING:
        return "warning";
    default:
        return "info";
    }
}

int main(int argc, char **argv) {
    decp_options opts = decp_options_default();
    decp_report *report = NULL;
    decp_issue issue;
    decp_status status;
    size_t i, n;
    int valid;

    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    opts.lang = DECP_LANG_FR;
    status = decp_validate_file(argv[1], &opts, &report);
    if (status != DECP_STATUS_OK) {
        fprintf(stderr, "decp: %s: %s\n", decp_status_str(status), decp_last_error_message());
        return 2;
    }
    n = decp_report_issue_count(report);
    for (i = 0; i < n; i++) {
        if (decp_report_issue(report, i, &issue) != DECP_STATUS_OK) {
            fprintf(stderr, "decp: %s\n", decp_last_error_message());
            decp_report_free(report);
            return 2;
        }
        printf("%llu:%llu: %s [%s] %s (%s)\n", (unsigned long long)issue.line,
               (unsigned long long)issue.column, severity(issue.severity), issue.code,
               issue.message, issue.path);
    }
    if (decp_report_fatal(report) != NULL) {
        /* The input could not be read to the end: exit 2, as the CLI does. */
        fprintf(stderr, "decp: %s: %s\n", argv[1], decp_report_fatal(report));
        decp_report_free(report);
        return 2;
    }
    valid = decp_report_is_valid(report);
    decp_report_free(report);
    return valid ? 0 : 1;
}
