<?php
/*
 * Validates a DECP file through libdecp with PHP's built-in FFI, prints its findings
 * as the CLI's text report does (LINE:COLUMN: SEVERITY [CODE] MESSAGE (PATH)), then
 * converts a JSON document to XML.
 *
 *   cargo build --release -p decp-ffi
 *   php -d ffi.enable=1 examples/php/validate.php FILE [LIBDIR]
 *
 * LIBDIR is where libdecp.so is (default: target/release). In production, preload
 * decp_php.h (opcache.preload with FFI::load) and use FFI::scope("DECP").
 */

$file = $argv[1] ?? null;
if ($file === null) {
    fwrite(STDERR, "usage: php validate.php FILE [LIBDIR]\n");
    exit(2);
}
$libdir = $argv[2] ?? __DIR__ . '/../../target/release';
// FFI::cdef takes decp_php.h's declarations with the library's path (FFI::load
// would find libdecp.so through the loader's search path).
$ffi = FFI::cdef(file_get_contents(__DIR__ . '/decp_php.h'), $libdir . '/libdecp.so');

$severity = [
    $ffi->DECP_SEVERITY_ERROR => 'error',
    $ffi->DECP_SEVERITY_WARNING => 'warning',
    $ffi->DECP_SEVERITY_INFO => 'info',
];

// 1. Validate a file (streamed: any size).
$opts = $ffi->decp_options_default();
$opts->lang = $ffi->DECP_LANG_FR;
$report = $ffi->new('decp_report *');
$status = $ffi->decp_validate_file($file, FFI::addr($opts), FFI::addr($report));
if ($status !== $ffi->DECP_STATUS_OK) {
    fwrite(STDERR, "decp: " . $ffi->decp_status_str($status) . ": "
        . $ffi->decp_last_error_message() . "\n");
    exit(2);
}
$issue = $ffi->new('decp_issue');
$n = $ffi->decp_report_issue_count($report);
for ($i = 0; $i < $n; $i++) {
    $ffi->decp_report_issue($report, $i, FFI::addr($issue));
    printf("%d:%d: %s [%s] %s (%s)\n", $issue->line, $issue->column, $severity[$issue->severity],
        FFI::string($issue->code), FFI::string($issue->message), FFI::string($issue->path));
}
$fatal = $ffi->decp_report_fatal($report);
if ($fatal !== null) {
    // The input could not be read to the end: exit 2, as the CLI does.
    fwrite(STDERR, "decp: $file: $fatal\n");
    $ffi->decp_report_free($report);
    exit(2);
}
$valid = $ffi->decp_report_is_valid($report);
$ffi->decp_report_free($report);

// 2. Convert a JSON document to XML: a PHP string goes in as is (pointer + length).
$json = '{"marches": {"marche": [{"id": "2024-0042", "montant": 45000.50}]}}';
$xml = $ffi->new('decp_str');
$status = $ffi->decp_convert($json, strlen($json), null, $ffi->DECP_FORMAT_XML, FFI::addr($xml));
if ($status !== $ffi->DECP_STATUS_OK) {
    fwrite(STDERR, "decp: " . $ffi->decp_last_error_message() . "\n");
    exit(2);
}
// On stderr, so that stdout holds only the findings (compared with the CLI's in CI).
fwrite(STDERR, FFI::string($xml->data, $xml->len));
$ffi->decp_str_free($xml);

exit($valid ? 0 : 1);
