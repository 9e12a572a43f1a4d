import ArgumentParser
import FilterAPI
import Foundation

/// `dip-pipe compare A B`: prints `PSNR <dB> SSIM <value>` of A against B.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Print PSNR and SSIM of image A against reference B ('-' reads stdin).")

    @Argument(help: "The image to score ('-' = stdin).")
    var a: String

    @Argument(help: "The reference image ('-' = stdin).")
    var b: String

    @Flag(help: "Score BT.601 luminance Y in [16,235] only (the super-resolution protocol).")
    var luma = false

    @Option(help: "Ignore N pixels at each border.")
    var crop: Int = 0

    @Option(help: "Largest image (width × height) accepted (at most this machine's memory / \(MemoryLimit.bytesPerPixel) bytes).")
    var maxPixels: Int = MaxPixels.default

    func run() throws {
        reportingErrors {
            try MaxPixels.validate(maxPixels)
            guard a != "-" || b != "-" else {
                throw DipError.badParameter("compare", "only one of A and B can be stdin")
            }
            guard crop >= 0 else { throw DipError.badParameter("--crop", "must not be negative") }
            let imageA = try load(a)
            let imageB = try load(b)
            let psnr = try Quality.psnr(imageA, imageB, luma: luma, crop: crop)
            let ssim = try Quality.ssim(imageA, imageB, luma: luma, crop: crop)
            print("PSNR \(psnr.isFinite ? String(format: "%.2f", psnr) : "inf") SSIM \(String(format: "%.4f", ssim))")
        }
    }

    private func load(_ path: String) throws -> Image {
        if path == "-" {
            let reader = ImageStreamReader(fileDescriptor: 0, name: "stdin", maxPixels: maxPixels)
            guard let image = try reader.next() else { throw DipError.badImage("stdin", "no image in the input") }
            return image
        }
        return try ImageCodec.read(path: path, maxPixels: maxPixels)
    }
}
