/*
 * Tests of the C API against the checked-in header: every function on valid,
 * invalid and broken input. Built with -std=c99 -Wall -Wextra -Werror, linked
 * statically and dynamically, and run under valgrind by decp-ffi/tests/run.sh.
 *
 * Usage: test_decp OFFICIAL_DIR OUT_DIR
 * (writes OUT_DIR/report.json, which run.sh compares with the CLI's entry).
 */
#define _POSIX_C_SOURCE 200809L
#include "decp.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;

#define CHECK(cond)                                                                     \
    do {                                                                                \
        if (!(cond)) {                                                                  \
            fprintf(stderr, "%s:%d: check failed: %s (last error: %s)\n", __FILE__,     \
                    __LINE__, #cond, decp_last_error_message());                        \
            failures++;                                                                 \
        }                                                                               \
    } while (0)

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    if (!f) {
        perror(path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        exit(2);
    }
    fclose(f);
    buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

static void test_basics(void) {
    decp_options o = decp_options_default();
    CHECK(strlen(decp_version()) > 0);
    CHECK(strcmp(decp_status_str(DECP_STATUS_OK), "ok") == 0);
    CHECK(strcmp(decp_status_str(DECP_STATUS_SYNTAX), "syntax error") == 0);
    CHECK(strcmp(decp_status_str((decp_status)12345), "unknown status") == 0);
    CHECK(strcmp(decp_status_str((decp_status)-1), "unknown status") == 0);
    CHECK(strcmp(decp_status_str((decp_status)2), "unknown status") == 0);
    CHECK(o.format == DECP_FORMAT_AUTO && o.lang == DECP_LANG_FR);
    CHECK(!o.strict && !o.normalize && !o.upgrade && o.limits == NULL && o.reserved == NULL);
    {
        decp_limits l = decp_limits_default();
        CHECK(l.max_depth == 64 && l.max_record_bytes == (uint64_t)64 << 20);
        CHECK(l.max_members == 100000 && l.max_value_bytes == 1 << 20);
        CHECK(l.max_records == UINT64_MAX);
    }
    /* Every free function accepts NULL / empty. */
    decp_report_free(NULL);
    decp_reader_free(NULL);
    {
        decp_str empty = {NULL, 0};
        decp_str_free(empty);
    }
    CHECK(!decp_report_is_valid(NULL));
    CHECK(decp_report_fatal(NULL) == NULL);
    CHECK(decp_report_record_count(NULL) == 0);
    CHECK(decp_report_issue_count(NULL) == 0);
}

static void test_validate_official(const char *dir, const char *out_dir) {
    char path[4096];
    decp_report *r = NULL;
    decp_issue issue;
    decp_str json = {NULL, 0};
    size_t i, n;
    int errors = 0;
    FILE *f;

    snprintf(path, sizeof path, "%s/v2/json/marches_concessions.json", dir);
    CHECK(decp_validate_file(path, NULL, &r) == DECP_STATUS_OK);
    CHECK(r != NULL);
    CHECK(!decp_report_is_valid(r)); /* the official examples break rules */
    CHECK(decp_report_fatal(r) == NULL);
    CHECK(decp_report_record_count(r) == 4);
    n = decp_report_issue_count(r);
    CHECK(n > 0);
    for (i = 0; i < n; i++) {
        CHECK(decp_report_issue(r, i, &issue) == DECP_STATUS_OK);
        CHECK(issue.code != NULL && strchr(issue.code, '.') != NULL);
        CHECK(issue.path != NULL && issue.path[0] == '/');
        CHECK(issue.message != NULL && issue.message[0] != '\0');
        CHECK(issue.line > 0 && issue.column > 0);
        CHECK(issue.record >= 0 && issue.record < 4);
        if (issue.severity == DECP_SEVERITY_ERROR) {
            errors++;
        }
    }
    CHECK(errors > 0);
    CHECK(decp_report_issue(r, n, &issue) == DECP_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(decp_last_error_message(), "out of range") != NULL);
    CHECK(decp_report_issue(r, 0, NULL) == DECP_STATUS_NULL_POINTER);
    CHECK(decp_report_to_json(r, &json) == DECP_STATUS_OK);
    CHECK(json.data != NULL && json.len == strlen(json.data));
    CHECK(strncmp(json.data, "{\"path\":", 8) == 0);
    snprintf(path, sizeof path, "%s/report.json", out_dir);
    f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        fwrite(json.data, 1, json.len, f);
        fclose(f);
    }
    decp_str_free(json);
    decp_report_free(r);
}

static void test_validate_memory(void) {
    const char *ok = "{\"marches\": {\"marche\": [{\"id\": \"A\", \"dureeMois\": \"x\"}]}}";
    const char *broken = "{\"marches\": {\"marche\": [{\"id\": \"A\"";
    decp_options o = decp_options_default();
    decp_report *r = (decp_report *)&o; /* must be reset to NULL on failure */
    decp_issue issue;
    size_t i;
    int found = 0;

    CHECK(decp_validate(ok, strlen(ok), NULL, &r) == DECP_STATUS_OK);
    CHECK(!decp_report_is_valid(r) && decp_report_record_count(r) == 1);
    for (i = 0; i < decp_report_issue_count(r); i++) {
        CHECK(decp_report_issue(r, i, &issue) == DECP_STATUS_OK);
        if (strcmp(issue.code, "schema.type") == 0) {
            found = 1;
            CHECK(strcmp(issue.path, "/marches/marche/0/dureeMois") == 0);
            CHECK(issue.value != NULL && strcmp(issue.value, "x") == 0);
            CHECK(issue.line == 1 && issue.column == 50);
            CHECK(strstr(issue.message, "attendu") != NULL); /* French by default */
        }
    }
    CHECK(found);
    decp_report_free(r);

    o.lang = DECP_LANG_EN;
    CHECK(decp_validate(ok, strlen(ok), &o, &r) == DECP_STATUS_OK);
    CHECK(decp_report_issue(r, 0, &issue) == DECP_STATUS_OK);
    decp_report_free(r);

    /* A broken document: a report that says why, not a failed call. */
    CHECK(decp_validate(broken, strlen(broken), NULL, &r) == DECP_STATUS_OK);
    CHECK(!decp_report_is_valid(r));
    decp_report_free(r);

    /* Empty input, invalid arguments. */
    CHECK(decp_validate(NULL, 0, NULL, &r) == DECP_STATUS_OK);
    CHECK(!decp_report_is_valid(r));
    decp_report_free(r);
    r = (decp_report *)&o;
    CHECK(decp_validate(NULL, 5, NULL, &r) == DECP_STATUS_NULL_POINTER);
    CHECK(r == NULL);
    CHECK(decp_validate(ok, strlen(ok), NULL, NULL) == DECP_STATUS_NULL_POINTER);
    o = decp_options_default();
    o.reserved = &o;
    CHECK(decp_validate(ok, strlen(ok), &o, &r) == DECP_STATUS_INVALID_ARGUMENT);
    CHECK(r == NULL);
    /* Limits: a record nested past max_depth is one unreadable record at its
       place; the one after it is read. */
    {
        const char *deep = "{\"marches\": {\"marche\": [{\"id\": \"A\", \"x\": [[[[[[[[[[]]]]]]]]]]},"
                           " {\"id\": \"B\"}]}}";
        decp_limits l = decp_limits_default();
        decp_issue issue;
        o = decp_options_default();
        CHECK(decp_validate(deep, strlen(deep), &o, &r) == DECP_STATUS_OK);
        CHECK(decp_report_record_count(r) == 2);
        for (size_t i = 0; i < decp_report_issue_count(r); i++) {
            CHECK(decp_report_issue(r, i, &issue) == DECP_STATUS_OK);
            CHECK(strcmp(issue.code, "schema.syntax") != 0);
        }
        decp_report_free(r);
        l.max_depth = 6;
        o.limits = &l;
        CHECK(decp_validate(deep, strlen(deep), &o, &r) == DECP_STATUS_OK);
        CHECK(decp_report_record_count(r) == 2);
        CHECK(decp_report_issue(r, 0, &issue) == DECP_STATUS_OK);
        CHECK(strcmp(issue.code, "schema.syntax") == 0);
        CHECK(strcmp(issue.path, "/marches/marche/0") == 0);
        decp_report_free(r);
    }
    o = decp_options_default();
    o.format = (decp_format)7;
    CHECK(decp_validate(ok, strlen(ok), &o, &r) == DECP_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(decp_last_error_message(), "format") != NULL);
    CHECK(decp_validate_file(NULL, NULL, &r) == DECP_STATUS_NULL_POINTER);
    /* A missing file: a report whose fatal says why. */
    CHECK(decp_validate_file("/nonexistent/x.json", NULL, &r) == DECP_STATUS_OK);
    CHECK(!decp_report_is_valid(r));
    CHECK(decp_report_fatal(r) != NULL && strlen(decp_report_fatal(r)) > 0);
    decp_report_free(r);
}

static void test_convert(const char *dir) {
    char path[4096];
    size_t len;
    char *json;
    decp_str xml = {NULL, 0}, back = {NULL, 0};
    decp_options o = decp_options_default();
    const char *bad_xml_char = "{\"marches\": {\"marche\": [{\"id\": \"A\\u0002\"}]}}";

    snprintf(path, sizeof path, "%s/v2/json/marches_concessions.json", dir);
    json = read_file(path, &len);
    CHECK(decp_convert(json, len, NULL, DECP_FORMAT_XML, &xml) == DECP_STATUS_OK);
    CHECK(xml.data != NULL && strncmp(xml.data, "<?xml", 5) == 0);
    CHECK(decp_convert(xml.data, xml.len, NULL, DECP_FORMAT_JSON, &back) == DECP_STATUS_OK);
    CHECK(back.data != NULL && strstr(back.data, "\"marche\"") != NULL);
    decp_str_free(back);
    CHECK(decp_convert(json, len, NULL, DECP_FORMAT_AUTO, &back) == DECP_STATUS_INVALID_ARGUMENT);
    CHECK(decp_convert(json, len, NULL, (decp_format)3, &back) == DECP_STATUS_INVALID_ARGUMENT);
    CHECK(decp_convert(json, len, NULL, (decp_format)-7, &back) == DECP_STATUS_INVALID_ARGUMENT);
    CHECK(back.data == NULL && back.len == 0);
    CHECK(decp_convert(json, len / 2, NULL, DECP_FORMAT_XML, &back) == DECP_STATUS_SYNTAX);
    CHECK(back.data == NULL);
    /* A character XML 1.0 forbids: refused, never a truncated output. */
    CHECK(decp_convert(bad_xml_char, strlen(bad_xml_char), NULL, DECP_FORMAT_XML, &back) != DECP_STATUS_OK);
    CHECK(back.data == NULL);
    /* Strict mode: a value that does not fit. */
    o.strict = true;
    {
        const char *v = "{\"marches\": {\"marche\": [{\"id\": \"A\", \"dureeMois\": \"x\"}]}}";
        CHECK(decp_convert(v, strlen(v), &o, DECP_FORMAT_XML, &back) == DECP_STATUS_DATA);
        CHECK(back.data == NULL);
    }
    decp_str_free(xml);
    free(json);

    /* v1 → v2 with upgrade. */
    snprintf(path, sizeof path, "%s/v1.5/json/mar-basique.json", dir);
    json = read_file(path, &len);
    o = decp_options_default();
    o.upgrade = true;
    CHECK(decp_convert(json, len, &o, DECP_FORMAT_JSON, &back) == DECP_STATUS_OK);
    CHECK(back.data != NULL && strstr(back.data, "\"marche\"") != NULL);
    decp_str_free(back);
    free(json);
}

static void test_reader(const char *dir) {
    char path[4096];
    decp_reader *rd = NULL;
    decp_record_kind kind;
    decp_str rec = {NULL, 0};
    int marches = 0, concessions = 0;
    decp_status s;

    snprintf(path, sizeof path, "%s/v2/xml/Marche.xml", dir);
    CHECK(decp_reader_open(path, NULL, &rd) == DECP_STATUS_OK);
    while ((s = decp_reader_next(rd, &kind, &rec)) == DECP_STATUS_OK) {
        CHECK(rec.data != NULL && rec.data[0] == '{');
        if (kind == DECP_RECORD_KIND_MARCHE) {
            marches++;
        } else {
            concessions++;
        }
        decp_str_free(rec);
    }
    CHECK(s == DECP_STATUS_END);
    CHECK(marches == 2 && concessions == 0);
    CHECK(decp_reader_next(rd, &kind, &rec) == DECP_STATUS_END);
    CHECK(decp_reader_next(rd, NULL, &rec) == DECP_STATUS_NULL_POINTER);
    decp_reader_free(rd);
    CHECK(decp_reader_next(NULL, &kind, &rec) == DECP_STATUS_NULL_POINTER);

    rd = (decp_reader *)&kind;
    CHECK(decp_reader_open("/nonexistent/x.xml", NULL, &rd) == DECP_STATUS_IO);
    CHECK(rd == NULL);
    CHECK(strlen(decp_last_error_message()) > 0);
}

static void test_one_record(void) {
    const char *rec = "{\"id\": \"A\", \"montant\": 12.5, \"dureeMois\": 0}";
    const char *broken = "{\"id\": \"A\",";
    decp_report *r = NULL;
    decp_issue issue;
    decp_str xml = {NULL, 0};
    size_t i;
    int found = 0;

    CHECK(decp_record_check(DECP_RECORD_KIND_MARCHE, rec, strlen(rec), NULL, &r) == DECP_STATUS_OK);
    CHECK(!decp_report_is_valid(r) && decp_report_record_count(r) == 1);
    for (i = 0; i < decp_report_issue_count(r); i++) {
        CHECK(decp_report_issue(r, i, &issue) == DECP_STATUS_OK);
        if (strcmp(issue.path, "/dureeMois") == 0) {
            found = 1;
        }
    }
    CHECK(found);
    decp_report_free(r);
    CHECK(decp_record_check((decp_record_kind)9, rec, strlen(rec), NULL, &r) == DECP_STATUS_INVALID_ARGUMENT);
    CHECK(r == NULL);
    CHECK(decp_record_check((decp_record_kind)-1, rec, strlen(rec), NULL, &r) == DECP_STATUS_INVALID_ARGUMENT);
    CHECK(decp_record_check((decp_record_kind)2, rec, strlen(rec), NULL, &r) == DECP_STATUS_INVALID_ARGUMENT);
    CHECK(r == NULL);
    CHECK(decp_record_to_xml((decp_record_kind)5, rec, strlen(rec), &xml) == DECP_STATUS_INVALID_ARGUMENT);
    CHECK(xml.data == NULL);
    CHECK(decp_record_check(DECP_RECORD_KIND_MARCHE, broken, strlen(broken), NULL, &r) == DECP_STATUS_OK);
    CHECK(!decp_report_is_valid(r));
    decp_report_free(r);

    CHECK(decp_record_to_xml(DECP_RECORD_KIND_MARCHE, rec, strlen(rec), &xml) == DECP_STATUS_OK);
    CHECK(xml.data != NULL && strstr(xml.data, "<montant>12.5</montant>") != NULL);
    decp_str_free(xml);
    CHECK(decp_record_to_xml(DECP_RECORD_KIND_CONCESSION, broken, strlen(broken), &xml) == DECP_STATUS_SYNTAX);
    CHECK(xml.data == NULL);
}

/* Threads: each validates and fails on its own; the last error is per thread. */
static void *thread_body(void *arg) {
    const char *ok = "{\"marches\": {\"marche\": [{\"id\": \"A\", \"dureeMois\": \"x\"}]}}";
    long id = (long)arg;
    int i;
    long bad = 0;
    for (i = 0; i < 50; i++) {
        decp_report *r = NULL;
        decp_issue issue;
        if (decp_validate(ok, strlen(ok), NULL, &r) != DECP_STATUS_OK || decp_report_record_count(r) != 1) {
            bad++;
        }
        if (id % 2) {
            /* Odd threads also fail, and see their own message only. */
            if (decp_report_issue(r, 1000, &issue) != DECP_STATUS_INVALID_ARGUMENT ||
                strstr(decp_last_error_message(), "out of range") == NULL) {
                bad++;
            }
        } else if (decp_last_error_message()[0] != '\0') {
            bad++;
        }
        decp_report_free(r);
    }
    return (void *)bad;
}

static void test_threads(void) {
    pthread_t t[4];
    long i;
    for (i = 0; i < 4; i++) {
        CHECK(pthread_create(&t[i], NULL, thread_body, (void *)i) == 0);
    }
    for (i = 0; i < 4; i++) {
        void *bad = NULL;
        CHECK(pthread_join(t[i], &bad) == 0);
        CHECK(bad == NULL);
    }
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s OFFICIAL_DIR OUT_DIR\n", argv[0]);
        return 2;
    }
    test_basics();
    test_validate_official(argv[1], argv[2]);
    test_validate_memory();
    test_convert(argv[1]);
    test_reader(argv[1]);
    test_one_record();
    test_threads();
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("all C API checks passed\n");
    return 0;
}
