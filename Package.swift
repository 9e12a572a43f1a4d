// swift-tools-version:5.9
// dip — Deep Image Prior restoration as a Swift filter framework.
import PackageDescription

/// The engine's inner loops, whose indices never come from input, run without Swift's overflow and
/// bounds checks; everything that parses input, sizes buffers or faces a caller keeps them (`-O`,
/// SwiftPM's release default), so an overflow there traps in tests and fuzzing instead of wrapping.
let optimise: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))]
let checked: [SwiftSetting] = []
/// libdip's ABI name: the major version in it changes only when dip.h breaks compatibility
/// (scripts/install.sh reads it back from the built library for the file name and the link).
let libdipSoname = "libdip.so.0"

let package = Package(
    name: "dip",
    products: [
        .executable(name: "dip-pipe", targets: ["dip-pipe"]),
        .executable(name: "dip-bench", targets: ["dip-bench"]),
        .library(name: "dip", type: .dynamic, targets: ["LibDip"]),
        .library(name: "FilterAPI", targets: ["FilterAPI"]),
        .library(name: "Filters", targets: ["Filters"]),
        .library(name: "DIPEngine", targets: ["DIPEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries (Debian -dev packages): headers + link flags only (pkg-config).
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CTIFF", path: "Sources/CTIFF", pkgConfig: "libtiff-4",
                       providers: [.apt(["libtiff-dev"])]),
        .systemLibrary(name: "CJPEG", path: "Sources/CJPEG", pkgConfig: "libjpeg",
                       providers: [.apt(["libjpeg62-turbo-dev"])]),
        // The codecs' C side: whole-image decode/encode over memory buffers, in C because libpng and
        // libjpeg report errors by longjmp (which must not skip Swift frames) and libtiff's messages
        // need per-handle handlers. Each include/ header declares only what FilterAPI calls.
        .target(name: "CPNGCodec", dependencies: ["CPNG"], path: "Sources/CPNGCodec"),
        .target(name: "CTIFFCodec", dependencies: ["CTIFF"], path: "Sources/CTIFFCodec"),
        .target(name: "CJPEGCodec", dependencies: ["CJPEG"], path: "Sources/CJPEGCodec"),
        // OpenBLAS is loaded with dlopen so that its kernel choice (OPENBLAS_CORETYPE) can be made
        // before its constructor runs; see Sources/COpenBLAS/blas_loader.c.
        .target(name: "COpenBLAS", dependencies: ["CParallel"], path: "Sources/COpenBLAS",
                linkerSettings: [.linkedLibrary("dl")]),
        // The engine's fork-join pool for its non-GEMM loops (no allocation per call); see
        // Sources/CParallel/include/dip_parallel.h.
        .target(name: "CParallel", path: "Sources/CParallel"),
        // bf16 GEMM kernels with fp32 accumulation (AVX512_BF16, chosen at run time); see
        // Sources/CBF16/include/dip_bf16.h.
        .target(name: "CBF16", path: "Sources/CBF16", cSettings: [.unsafeFlags(["-O3"])]),
        // Output files that stay invisible until complete (O_TMPFILE + linkat); see dip_files.h.
        .target(name: "CFiles", path: "Sources/CFiles"),

        .target(name: "FilterAPI", dependencies: ["CPNGCodec", "CTIFFCodec", "CJPEGCodec", "CFiles"],
                swiftSettings: checked),
        .target(name: "DIPEngine", dependencies: ["COpenBLAS", "CParallel", "CBF16"], swiftSettings: optimise),
        .target(name: "Filters", dependencies: ["FilterAPI", "DIPEngine"], swiftSettings: checked),
        .executableTarget(name: "dip-pipe", dependencies: [
            "FilterAPI", "Filters", "DIPEngine",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: checked),
        .executableTarget(name: "dip-bench", dependencies: [
            "DIPEngine", "FilterAPI", "Filters",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: optimise),
        // Fuzz targets and their replay (Tests/Fuzz; scripts/fuzz.sh builds them with libFuzzer).
        .executableTarget(name: "dip-fuzz", dependencies: ["FilterAPI", "Filters", "CBridge", "CDip"], path: "Tests/Fuzz",
                          exclude: ["regressions"],
                          swiftSettings: checked),
        // dip.h as a module: CBridge reads the result codes from the header rather than repeating them.
        .target(name: "CDip", path: "Sources/CDip"),
        // The C ABI of Sources/CDip/include/dip.h, as Swift (@_cdecl functions over the filters).
        .target(name: "CBridge", dependencies: ["CDip", "FilterAPI", "Filters"], swiftSettings: checked),
        // libdip.so (product "dip"): CBridge linked as a shared library. Exports only dip_*
        // (dip.map) and links the Swift runtime statically so hosts need no Swift install paths;
        // -z defs catches a missing static library at link time, -z nodelete keeps the embedded
        // runtime mapped if a host dlcloses libdip (its thread-local destructors must stay valid).
        // The library modules (FilterAPI, DIPEngine, Filters, CBridge) import FoundationEssentials
        // or Glibc, never Foundation, so Foundation, FoundationInternationalization, CoreFoundation
        // and ICU's data stay out of libdip (~70 MB with them, ~23 MB without). An `import Foundation`
        // in one of them would need those libraries back on this line.
        .target(name: "LibDip", dependencies: ["CBridge"], exclude: ["dip.map"],
                swiftSettings: checked,
                linkerSettings: [.unsafeFlags(["-static-stdlib", "-Xlinker", "-z", "-Xlinker", "defs",
                    "-Xlinker", "-z", "-Xlinker", "nodelete", "-Xlinker", "-soname", "-Xlinker", libdipSoname,
                    "-Xlinker", "--version-script=\(Context.packageDirectory)/Sources/LibDip/dip.map",
                    "-Xlinker", "--start-group", "-lFoundationEssentials",
                    "-l_FoundationCollections", "-l_FoundationCShims", "-lswiftDispatch", "-ldispatch",
                    "-lBlocksRuntime", "-lswiftSynchronization", "-Xlinker", "--end-group"])]),

        .testTarget(name: "FilterAPITests", dependencies: ["FilterAPI"]),
        .testTarget(name: "DIPEngineTests", dependencies: ["DIPEngine"]),
        .testTarget(name: "FiltersTests", dependencies: ["Filters", "FilterAPI"]),
        .testTarget(name: "CLITests", dependencies: ["FilterAPI"]),
    ]
)
