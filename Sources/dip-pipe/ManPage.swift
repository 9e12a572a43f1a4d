import FilterAPI

/// dip-pipe(1) in roff (`dip-pipe help --man`, installed by scripts/install.sh): the synopsis, the
/// global options from the parser's own help, every filter with its parameters from their
/// declarations (as `dip-pipe help FILTER` shows them), the exit statuses and examples.
enum ManPage {
    static func roff() -> String {
        var out = [
            ".TH DIP-PIPE 1 \"\" \"dip \(DipVersion.string)\" \"User Commands\"",
            ".SH NAME",
            "dip-pipe \\- Deep Image Prior restoration filters for pipes",
            ".SH SYNOPSIS",
            ".B dip-pipe",
            "[\\fIglobal options\\fR] \\fIFILTER\\fR [\\fB\\-\\-param\\fR \\fIvalue\\fR]... [\\fB!\\fR \\fIFILTER\\fR ...] [\\fIFILE\\fR]",
            ".br",
            ".B dip-pipe list",
            "| \\fBhelp\\fR [\\fIFILTER\\fR] | \\fBcompare\\fR \\fIA B\\fR | \\fB\\-\\-version\\fR",
            ".SH DESCRIPTION",
            text("""
            dip-pipe reads one image or a stream of images (PNG, TIFF, JPEG, PNM/PAM; FILE or \
            standard input), runs a chain of filters on each and writes each result to standard \
            output (or --output) as soon as it is done. Filters are joined with a standalone '!'. \
            Progress and errors go to standard error only.
            """),
            ".SH GLOBAL OPTIONS",
            "Global options come before the first filter.",
        ]
        for option in GlobalOption.all {
            out += [".TP", "\\fB\(escape(option.name))\\fR" + (option.value.map { " \\fI\(escape($0))\\fR" } ?? ""),
                    text(option.help)]
        }
        out += [".SH COMMANDS",
                ".TP", "\\fBlist\\fR", "List the filters.",
                ".TP", "\\fBhelp\\fR [\\fIFILTER\\fR]", "Show a filter's parameters (also \\fIFILTER\\fR \\fB\\-\\-help\\fR).",
                ".TP", "\\fBcompare\\fR \\fIA B\\fR", "Print PSNR and SSIM of image A against reference B.",
                ".SH FILTERS"]
        for type in Usage.registry.types {
            out += [".SS \(escape(type.name))", text(type.summary + ".")]
            if !type.details.isEmpty { out += [".PP", ".nf", text(type.details), ".fi"] }
            for p in type.parameters {
                out += [".TP", "\\fB\(escape("--" + p.name))\\fR \\fI\(escape(p.kind == .bool ? "[true|false]" : p.kind.typeName))\\fR",
                        text(p.help + (HelpCommand.facts(of: p).map { " (\($0))" } ?? ""))]
            }
        }
        out += [".SH EXIT STATUS",
                ".TP", "0", "Every image was processed and written.",
                ".TP", "1", "An input, a file or the memory failed; images already written stay valid.",
                ".TP", "2", "A usage error or a bad parameter; nothing was written.",
                ".TP", "128+N", "Stopped by signal N; a file output keeps its complete images.",
                ".SH EXAMPLES",
                ".nf",
                text("""
                dip-pipe denoise in.png > out.png
                dip-pipe --seed 1 denoise --sigma 25 ! sr --scale 4 < in.png > out.png
                dip-pipe --input photo.jpg --output clean.png inpaint --mask mask.png
                ffmpeg -i in.mp4 -f image2pipe -c:v ppm - | dip-pipe denoise | ffmpeg -f image2pipe -i - out.mp4
                """),
                ".fi",
                ".SH SEE ALSO",
                "The C library: \\fBdip.h\\fR, \\fBpkg-config dip\\fR.", ""]
        return out.joined(separator: "\n")
    }

    /// roff's specials made literal: backslashes, hyphens as \- (a minus, for option names), and
    /// characters beyond ASCII as \[uXXXX] (troff reads its input as Latin-1 unless preconv runs).
    static func escape(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\\": out += "\\e"
            case "-": out += "\\-"
            case _ where u.value > 127:
                let hex = String(u.value, radix: 16, uppercase: true)
                out += "\\[u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "]"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// A filled paragraph: escaped, and no line may start with a control character ('.' or ').
    static func text(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in
                let e = escape(String(line))
                return e.hasPrefix(".") || e.hasPrefix("'") ? "\\&" + e : e
            }
            .joined(separator: "\n")
    }
}
