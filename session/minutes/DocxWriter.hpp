#pragma once
// An Office Open XML package (.docx) assembled in memory. It knows the packaging rules
// (the [Content_Types].xml part, zip entry names) and nothing about WordprocessingML,
// which the caller writes as part contents.
#include <cstdint>
#include <string>
#include <vector>

namespace yst {

class DocxWriter {
 public:
  // Every entry gets this modification time, so that the same input gives the same bytes.
  explicit DocxWriter(int64_t mtime_unix_s = 315532800 /* 1980-01-01, the zip epoch */);

  // `path` is the part name without the leading slash ("word/document.xml"). A part
  // with an empty content type relies on the package's defaults (.rels, .xml).
  void add(std::string path, std::string content_type, std::string data);

  // The zip bytes, [Content_Types].xml first. Throws std::runtime_error when libzip fails.
  std::string finish() const;

 private:
  struct Part {
    std::string path;
    std::string content_type;
    std::string data;
  };
  std::string content_types_xml() const;

  int64_t mtime_;
  std::vector<Part> parts_;
};

}  // namespace yst
