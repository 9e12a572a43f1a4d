/// One channel of an image as a dense plane of doubles, the form both metrics work on.
struct QualityPlane {
    var width: Int
    var height: Int
    var samples: [Double]
}

/// Checks two images for comparability and turns them into matching planes (colour channels, or
/// luminance, after the border crop).
enum QualityPlanes {
    static func prepare(_ a: Image, _ b: Image, luma: Bool, crop: Int) throws -> ([QualityPlane], [QualityPlane]) {
        guard a.width == b.width, a.height == b.height else {
            throw DipError.badImage("compare", "sizes differ (\(a.width)x\(a.height) vs \(b.width)x\(b.height))")
        }
        guard a.colorChannels == b.colorChannels else {
            throw DipError.badImage("compare", "one image is grey and the other colour (\(a.colorChannels) vs \(b.colorChannels) colour channels); convert one first")
        }
        guard a.pixels.count == a.pixelCount * a.channels, b.pixels.count == b.pixelCount * b.channels else {
            throw DipError.badImage("compare", "pixel buffer does not match the image size")
        }
        guard crop >= 0 else { throw DipError.badImage("compare", "border crop \(crop) is negative") }
        guard crop <= (Int.max / 4), 2 * crop < a.width, 2 * crop < a.height else {
            throw DipError.badImage("compare", "border crop \(crop) leaves nothing of a \(a.width)x\(a.height) image")
        }
        return (planes(a, luma: luma, crop: crop), planes(b, luma: luma, crop: crop))
    }

    /// The planes of one image: Y alone with `luma`, else each colour channel.
    static func planes(_ image: Image, luma: Bool, crop: Int) -> [QualityPlane] {
        let w = image.width - 2 * crop, h = image.height - 2 * crop
        let ch = image.channels, colours = image.colorChannels
        var out: [QualityPlane] = []
        image.pixels.withUnsafeBufferPointer { src in
            if luma {
                var y = [Double](repeating: 0, count: w * h)
                for row in 0..<h {
                    for col in 0..<w {
                        let i = ((row + crop) * image.width + col + crop) * ch
                        let r = Double(src[i])
                        let g = colours >= 3 ? Double(src[i + 1]) : r
                        let b = colours >= 3 ? Double(src[i + 2]) : r
                        y[row * w + col] = (16 + 65.481 * r + 128.553 * g + 24.966 * b) / 255
                    }
                }
                out.append(QualityPlane(width: w, height: h, samples: y))
            } else {
                for c in 0..<colours {
                    var p = [Double](repeating: 0, count: w * h)
                    for row in 0..<h {
                        for col in 0..<w {
                            p[row * w + col] = Double(src[((row + crop) * image.width + col + crop) * ch + c])
                        }
                    }
                    out.append(QualityPlane(width: w, height: h, samples: p))
                }
            }
        }
        return out
    }

    static func squaredError(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for i in 0..<min(a.count, b.count) {
            let d = a[i] - b[i]
            sum += d * d
        }
        return sum
    }
}
