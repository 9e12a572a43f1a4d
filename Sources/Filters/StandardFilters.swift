import FilterAPI

/// Every filter dip ships, by name.
public enum StandardFilters {
    public static var registry: FilterRegistry {
        FilterRegistry([
            CopyFilter.self,
            ResizeFilter.self,
            AddNoiseFilter.self,
            DropPixelsFilter.self,
            DownscaleFilter.self,
            JPEGFilter.self,
            DenoiseFilter.self,
            InpaintFilter.self,
            SuperResolutionFilter.self,
            FlashFilter.self,
            DeblockFilter.self,
            DeflickerFilter.self,
        ])
    }
}
