// Validates a DECP file through libdecp with P/Invoke and prints its findings as the
// CLI's text report does (LINE:COLUMN: SEVERITY [CODE] MESSAGE (PATH)).
// Exit code: 0 valid, 1 not valid, 2 failure.
//
//   cargo build --release -p decp-ffi
//   mcs -out:target/Validate.exe examples/csharp/Validate.cs
//   LD_LIBRARY_PATH=target/release mono target/Validate.exe tests/data/official/v2/xml/Marche.xml
using System;
using System.Runtime.InteropServices;
using System.Text;

static class Decp
{
    const string Lib = "decp";

    public enum Status { Ok = 0 }

    /// decp_issue: strings are UTF-8, borrowed from the report until decp_report_free.
    [StructLayout(LayoutKind.Sequential)]
    public struct Issue
    {
        public IntPtr Code;
        public int Severity;
        public IntPtr Path;
        public IntPtr Message;
        public IntPtr Value;
        public ulong Line;
        public ulong Column;
        public long Record;
    }

    [DllImport(Lib)] public static extern Status decp_validate_file(byte[] path, IntPtr opts, out IntPtr report);
    [DllImport(Lib)] public static extern UIntPtr decp_report_issue_count(IntPtr report);
    [DllImport(Lib)] public static extern Status decp_report_issue(IntPtr report, UIntPtr index, out Issue issue);
    [DllImport(Lib)] [return: MarshalAs(UnmanagedType.I1)] public static extern bool decp_report_is_valid(IntPtr report);
    [DllImport(Lib)] public static extern IntPtr decp_report_fatal(IntPtr report);
    [DllImport(Lib)] public static extern void decp_report_free(IntPtr report);
    [DllImport(Lib)] public static extern IntPtr decp_status_str(Status status);
    [DllImport(Lib)] public static extern IntPtr decp_last_error_message();

    /// A NUL-terminated UTF-8 string from the library.
    public static string Utf8(IntPtr p)
    {
        if (p == IntPtr.Zero) return null;
        int n = 0;
        while (Marshal.ReadByte(p, n) != 0) n++;
        var bytes = new byte[n];
        Marshal.Copy(p, bytes, 0, n);
        return Encoding.UTF8.GetString(bytes);
    }

    /// A path as NUL-terminated UTF-8.
    public static byte[] CString(string s) => Encoding.UTF8.GetBytes(s + "\0");
}

static class Validate
{
    static readonly string[] Severity = { "error", "warning", "info" };

    static int Main(string[] args)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine("usage: Validate.exe FILE");
            return 2;
        }
        var stdout = new System.IO.StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false));
        // opts NULL: the defaults (format detected, French messages, tolerant).
        var status = Decp.decp_validate_file(Decp.CString(args[0]), IntPtr.Zero, out IntPtr report);
        if (status != Decp.Status.Ok)
        {
            Console.Error.WriteLine("decp: " + Decp.Utf8(Decp.decp_status_str(status)) + ": " + Decp.Utf8(Decp.decp_last_error_message()));
            return 2;
        }
        ulong n = (ulong)Decp.decp_report_issue_count(report);
        for (ulong i = 0; i < n; i++)
        {
            Decp.decp_report_issue(report, (UIntPtr)i, out Decp.Issue issue);
            stdout.Write($"{issue.Line}:{issue.Column}: {Severity[issue.Severity]} [{Decp.Utf8(issue.Code)}] {Decp.Utf8(issue.Message)} ({Decp.Utf8(issue.Path)})\n");
        }
        IntPtr fatal = Decp.decp_report_fatal(report);
        if (fatal != IntPtr.Zero)
        {
            // The input could not be read to the end: exit 2, as the CLI does.
            Console.Error.WriteLine("decp: " + args[0] + ": " + Decp.Utf8(fatal));
            Decp.decp_report_free(report);
            stdout.Flush();
            return 2;
        }
        bool valid = Decp.decp_report_is_valid(report);
        Decp.decp_report_free(report);
        stdout.Flush();
        return valid ? 0 : 1;
    }
}
