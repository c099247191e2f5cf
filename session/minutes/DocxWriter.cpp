#include "session/minutes/DocxWriter.hpp"

#include <zip.h>

#include <cstdio>
#include <ctime>
#include <memory>
#include <stdexcept>

#include "session/minutes/Escape.hpp"

namespace yst {

namespace {

struct SourceFree {
  void operator()(zip_source_t* s) const { zip_source_free(s); }
};
using SourcePtr = std::unique_ptr<zip_source_t, SourceFree>;

struct ArchiveDiscard {
  void operator()(zip_t* z) const { zip_discard(z); }
};
using ArchivePtr = std::unique_ptr<zip_t, ArchiveDiscard>;

[[noreturn]] void fail(const char* what, const char* detail) {
  throw std::runtime_error(std::string("docx: ") + what + ": " + (detail ? detail : "unknown error"));
}

}  // namespace

DocxWriter::DocxWriter(int64_t mtime_unix_s) : mtime_(mtime_unix_s) {}

void DocxWriter::add(std::string path, std::string content_type, std::string data) {
  parts_.push_back(Part{std::move(path), std::move(content_type), std::move(data)});
}

std::string DocxWriter::content_types_xml() const {
  std::string x =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
      "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
      "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
      "<Default Extension=\"xml\" ContentType=\"application/xml\"/>";
  for (const auto& p : parts_) {
    if (p.content_type.empty()) continue;
    x += "<Override PartName=\"/" + minutes::xml_escape(p.path) + "\" ContentType=\"" + minutes::xml_escape(p.content_type) +
         "\"/>";
  }
  x += "</Types>";
  return x;
}

std::string DocxWriter::finish() const {
  zip_error_t err;
  zip_error_init(&err);
  // The archive is written into a growable memory buffer, so nothing touches the disk.
  SourcePtr buffer(zip_source_buffer_create(nullptr, 0, 0, &err));
  if (!buffer) fail("buffer", zip_error_strerror(&err));
  ArchivePtr archive(zip_open_from_source(buffer.get(), ZIP_TRUNCATE, &err));
  if (!archive) fail("open", zip_error_strerror(&err));
  // zip_close/zip_discard drop a reference to the source; keep ours to read the result.
  zip_source_keep(buffer.get());

  // libzip reads the part data at zip_close, so it has to outlive the loop.
  const std::string types = content_types_xml();
  auto add_entry = [&](const std::string& name, const std::string& data) {
    zip_source_t* src = zip_source_buffer(archive.get(), data.data(), data.size(), 0);
    if (!src) fail("source", zip_strerror(archive.get()));
    zip_int64_t idx = zip_file_add(archive.get(), name.c_str(), src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
    if (idx < 0) {
      zip_source_free(src);
      fail("add", zip_strerror(archive.get()));
    }
    auto i = static_cast<zip_uint64_t>(idx);
    if (zip_set_file_compression(archive.get(), i, ZIP_CM_DEFLATE, 6) < 0) fail("compress", zip_strerror(archive.get()));
    if (zip_file_set_mtime(archive.get(), i, static_cast<time_t>(mtime_), 0) < 0)
      fail("mtime", zip_strerror(archive.get()));
  };
  add_entry("[Content_Types].xml", types);
  for (const auto& p : parts_) add_entry(p.path, p.data);

  if (zip_close(archive.get()) < 0) fail("close", zip_strerror(archive.get()));
  archive.release();  // closed successfully: libzip has freed it

  if (zip_source_open(buffer.get()) < 0) fail("reopen", zip_error_strerror(zip_source_error(buffer.get())));
  std::string out;
  if (zip_source_seek(buffer.get(), 0, SEEK_END) < 0) fail("seek", zip_error_strerror(zip_source_error(buffer.get())));
  zip_int64_t size = zip_source_tell(buffer.get());
  if (size < 0 || zip_source_seek(buffer.get(), 0, SEEK_SET) < 0)
    fail("tell", zip_error_strerror(zip_source_error(buffer.get())));
  out.resize(static_cast<size_t>(size));
  zip_int64_t got = zip_source_read(buffer.get(), out.data(), static_cast<zip_uint64_t>(size));
  zip_source_close(buffer.get());
  if (got != size) fail("read", zip_error_strerror(zip_source_error(buffer.get())));
  return out;
}

}  // namespace yst
