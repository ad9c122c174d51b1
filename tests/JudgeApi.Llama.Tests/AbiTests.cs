using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using JudgeApi.Llama.Native;

namespace JudgeApi.Llama.Tests;

/// <summary>
/// Compiles a C probe against the pinned llama.cpp headers that prints sizeof and offsetof of every field
/// of every [NativeStruct] type, and compares them with the managed layout.
/// </summary>
public class AbiTests
{
    private sealed record MirroredStruct(Type Type, string CName, string Header, FieldInfo[] Fields);

    private static MirroredStruct[] Structs() =>
        typeof(NativeStructAttribute).Assembly.GetTypes()
            .Select(t => (Type: t, Attr: t.GetCustomAttribute<NativeStructAttribute>()))
            .Where(x => x.Attr is not null)
            .Select(x => new MirroredStruct(x.Type, x.Attr!.CName, x.Attr.Header,
                x.Type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)))
            .OrderBy(s => s.CName, StringComparer.Ordinal)
            .ToArray();

    [Fact]
    public void Every_struct_passed_by_value_is_mirrored()
    {
        var expected = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "AbiStructs.txt"))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToArray();
        var mirrored = Structs().Select(s => s.CName).ToHashSet();

        Assert.True(expected.Length >= 7, "AbiStructs.txt lost its entries.");
        var missing = expected.Where(e => !mirrored.Contains(e)).ToArray();
        Assert.True(missing.Length == 0, "No [NativeStruct] mirror for: " + string.Join(", ", missing));
    }

    [Fact]
    public void Managed_layouts_match_the_c_headers()
    {
        var structs = Structs();
        Assert.True(structs.Length >= 7, $"Only {structs.Length} [NativeStruct] types found.");
        Assert.All(structs, s => Assert.True(s.Type.IsValueType && s.Fields.Length > 0, $"{s.Type.Name} is not a struct with fields."));

        var native = RunProbe(structs);

        var mismatches = new List<string>();
        foreach (var s in structs)
        {
            Compare(mismatches, s.CName, "sizeof", native, Marshal.SizeOf(s.Type), "Marshal.SizeOf");
            Compare(mismatches, s.CName, "sizeof", native, UnsafeSizeOf(s.Type), "Unsafe.SizeOf");
            foreach (var f in s.Fields)
                Compare(mismatches, s.CName, f.Name, native, (long)Marshal.OffsetOf(s.Type, f.Name), "Marshal.OffsetOf");
        }
        Assert.True(mismatches.Count == 0, "ABI mismatches with the pinned headers:\n" + string.Join("\n", mismatches));
    }

    private static void Compare(List<string> mismatches, string cName, string member, Dictionary<string, long> native, long managed, string how)
    {
        var key = $"{cName}|{member}";
        if (!native.TryGetValue(key, out var c))
            mismatches.Add($"  {cName}.{member}: not measured by the probe");
        else if (c != managed)
            mismatches.Add($"  {cName} {member}: C {c}, {how} {managed}");
    }

    private static int UnsafeSizeOf(Type t) =>
        (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(t).Invoke(null, null)!;

    /// <summary>Builds and runs the probe; returns "cname|member" → bytes ("sizeof" for the struct size).</summary>
    private static Dictionary<string, long> RunProbe(MirroredStruct[] structs)
    {
        var source = new StringBuilder("#include <stddef.h>\n#include <stdio.h>\n");
        foreach (var header in structs.Select(s => s.Header).Distinct().Order(StringComparer.Ordinal))
            source.Append($"#include \"{header}\"\n");
        source.Append("int main(void) {\n");
        foreach (var s in structs)
        {
            source.Append($"    printf(\"{s.CName}|sizeof|%zu\\n\", sizeof({s.CName}));\n");
            foreach (var f in s.Fields)
                source.Append($"    printf(\"{s.CName}|{f.Name}|%zu\\n\", offsetof({s.CName}, {f.Name}));\n");
        }
        source.Append("    return 0;\n}\n");

        var dir = Directory.CreateTempSubdirectory("judgeapi-abi-").FullName;
        try
        {
            var probeSource = Path.Combine(dir, "probe.c");
            var probe = Path.Combine(dir, "probe");
            File.WriteAllText(probeSource, source.ToString());
            var llama = Path.Combine(RepoPaths.Root, ".cache", "llama.cpp");
            Run("gcc", ["-std=c11", "-I", Path.Combine(llama, "include"), "-I", Path.Combine(llama, "ggml", "include"), probeSource, "-o", probe],
                $"Compiling the ABI probe failed (a [NativeStruct] names a field or type the headers lack?). Source:\n{source}");
            var output = Run(probe, [], "The ABI probe failed to run.");
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split('|'))
                .ToDictionary(p => $"{p[0]}|{p[1]}", p => long.Parse(p[2]));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Run(string file, string[] args, string failure)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{failure}\n{file} exited with {process.ExitCode}:\n{stderr.Result}");
        return stdout;
    }
}
