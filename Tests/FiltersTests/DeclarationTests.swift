import FilterAPI
@testable import Filters
import DIPEngine
import XCTest

/// The single-source rules of parameters and presets: declared defaults are valid values, every
/// parameter says what its absence means, each filter runs the preset-table row its help shows,
/// and the paper rows are the reference notebook's settings.
final class DeclarationTests: XCTestCase {
    func testEveryDefaultIsAValidValueOrSaidInWords() throws {
        for type in StandardFilters.registry.types {
            for spec in type.parameters {
                if case .image = spec.kind { continue }   // a second image: given or the filter refuses
                if let d = spec.defaultValue {
                    XCTAssertEqual(try spec.parse(d.description), d, "\(type.name) --\(spec.name) default \(d)")
                } else {
                    XCTAssertTrue(spec.defaultNote != nil || spec.isRequired,
                                  "\(type.name) --\(spec.name) has neither a default nor a note, and is not required")
                }
            }
        }
    }

    func testHelpShowsEveryPresetRow() throws {
        try checkHelp(DenoiseFilter.self, DenoiseFilter.presets)
        try checkHelp(DeblockFilter.self, DeblockFilter.presets)
        try checkHelp(SuperResolutionFilter.self, SuperResolutionFilter.presets)
        try checkHelp(InpaintFilter.self, InpaintFilter.presets)
        try checkHelp(FlashFilter.self, FlashFilter.presets)
    }

    private func checkHelp<R>(_ type: any Filter.Type, _ table: PresetTable<R>) throws {
        let help = type.details.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        for row in table.rows {
            XCTAssertTrue(help.contains("\(row.recipe.iterations) steps"), "\(type.name): \(row.preset) \(row.variant ?? "") steps")
            XCTAssertTrue(help.contains(row.variant.map { "\(row.preset.rawValue), \($0)" } ?? row.preset.rawValue),
                          "\(type.name): no line for \(row.preset) \(row.variant ?? "")")
        }
        let iters = try XCTUnwrap(type.parameters.first { $0.name == "iters" }?.defaultNote)
        for row in table.rows { XCTAssertTrue(iters.contains("\(row.recipe.iterations)"), "\(type.name) --iters note: \(iters)") }
    }

    /// The recipe a configured filter holds is the table's row for its preset and variant, with
    /// the user's --iters / --lr applied.
    func testFiltersRunTheirTableRow() throws {
        func values(_ type: any Filter.Type, _ pairs: [(String, String)]) throws -> ParameterValues {
            var v = ParameterValues(specs: type.parameters)
            for (k, x) in pairs { try v.set(k, text: x) }
            return v
        }
        for preset in DenoiseFilter.presets.presets {
            let p = ("preset", preset.rawValue)
            XCTAssertEqual(try DenoiseFilter(parameters: values(DenoiseFilter.self, [p])).recipe(sigma: 25),
                           try DenoiseFilter.presets.recipe(preset))
            if preset == .paper {
                let strong = try DenoiseFilter(parameters: values(DenoiseFilter.self, [p, ("sigma", "50")]))
                XCTAssertEqual(strong.sigma, 50)
                XCTAssertEqual(try strong.recipe(sigma: 50), try DenoiseFilter.presets.recipe(preset, variant: DenoiseFilter.strongNoise))
            }
            let denoise = try DenoiseFilter(parameters: values(DenoiseFilter.self, [p, ("iters", "7"), ("lr", "0.5")]))
            let applied = denoise.choice.apply(to: try denoise.recipe(sigma: 25))
            if applied.wiener?.pilot == .hardThreshold {
                // No net: --iters only shortens the pilot-and-passes pipeline, --lr does not apply.
                XCTAssertEqual(applied.iterations, try DenoiseFilter.presets.recipe(preset).iterations)
                XCTAssertEqual(applied.learningRate, 0)
                let short = try DenoiseFilter(parameters: values(DenoiseFilter.self, [p, ("iters", "2")]))
                XCTAssertEqual(short.choice.apply(to: try short.recipe(sigma: 25)).wiener?.wienerPasses, 1)
            } else {
                XCTAssertEqual([applied.iterations], [7])
                XCTAssertEqual(applied.learningRate, 0.5)
            }
            if let r = applied.dip { XCTAssertNil(r.stopping, "--iters must turn the stopping rule off") }
        }
        for preset in SuperResolutionFilter.presets.presets {
            XCTAssertEqual(try SuperResolutionFilter(parameters: values(SuperResolutionFilter.self, [("preset", preset.rawValue), ("scale", "8")])).setting?.recipe,
                           try SuperResolutionFilter.presets.recipe(preset, variant: SuperResolutionFilter.largeFactor))
        }
        for preset in DeblockFilter.presets.presets {
            XCTAssertEqual(try DeblockFilter(parameters: values(DeblockFilter.self, [("preset", preset.rawValue)])).recipe,
                           try DeblockFilter.presets.recipe(preset))
        }
        // A filter offers only the presets its table has: quality is denoise's alone for now.
        XCTAssertEqual(DenoiseFilter.presets.presets, [.fast, .quality, .paper])
        XCTAssertThrowsError(try values(SuperResolutionFilter.self, [("preset", "quality")])) { error in
            XCTAssertTrue("\(error)".contains("not one of fast, paper"), "\(error)")
        }
        XCTAssertNotEqual(try DenoiseFilter.presets.recipe(.paper), try DenoiseFilter.presets.recipe(.paper, variant: DenoiseFilter.strongNoise))
        XCTAssertEqual(InpaintFilter.CaseChoice.allCases.compactMap(\.forced), MaskAnalysis.Case.allCases)
    }

    /// The paper rows are DIP-REFERENCE's per-task table (steps, learning rate, perturbation).
    func testPaperRowsAreTheReference() throws {
        func check(_ r: DIPRecipe, _ steps: Int, _ lr: Float, _ noise: Float, file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertEqual(r.iterations, steps, file: file, line: line)
            XCTAssertEqual(r.learningRate, lr, file: file, line: line)
            XCTAssertEqual(r.regNoiseStd, noise, accuracy: 1e-7, file: file, line: line)
        }
        guard let denoisePaper = try DenoiseFilter.presets.recipe(.paper).dip,
              let denoiseStrong = try DenoiseFilter.presets.recipe(.paper, variant: DenoiseFilter.strongNoise).dip else {
            return XCTFail("denoise's paper preset is not DIP")
        }
        check(denoisePaper, 3000, 0.01, 1.0 / 30)
        check(denoiseStrong, 3000, 0.01, 1.0 / 20)
        XCTAssertEqual(denoisePaper.emaDecay, 0.99)
        XCTAssertNil(denoisePaper.stopping, "the paper preset runs the reference's fixed count")
        guard let srPaper = try SuperResolutionFilter.presets.recipe(.paper).dip,
              let srLarge = try SuperResolutionFilter.presets.recipe(.paper, variant: SuperResolutionFilter.largeFactor).dip else {
            return XCTFail("sr's paper preset is not DIP")
        }
        check(srPaper, 2000, 0.01, 0.03)
        check(srLarge, 4000, 0.01, 0.05)
        for (variant, steps, lr, noise) in [("pixels", 11000, 0.001, 0.03), ("text", 6001, 0.01, 0.03),
                                            ("holes", 5001, 0.01, 0.03), ("region", 3001, 0.01, 0)] as [(String, Int, Float, Float)] {
            guard let r = try InpaintFilter.presets.recipe(.paper, variant: variant).dip else { return XCTFail("inpaint paper \(variant) is not DIP") }
            check(r, steps, lr, noise)
        }
        check(try FlashFilter.presets.recipe(.paper), 601, 0.1, 0)
        guard let deblockPaper = try DeblockFilter.presets.recipe(.paper).dip else { return XCTFail("deblock paper is not DIP") }
        check(deblockPaper, 2400, 0.01, 1.0 / 30)
        XCTAssertEqual(denoisePaper.net, SkipNetConfig.paperDenoise())
    }
}
