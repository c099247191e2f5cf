#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "session/minutes/DocxWriter.hpp"
#include "session/minutes/Escape.hpp"
#include "session/minutes/Renderers.hpp"
#include "session/minutes/Time.hpp"

namespace yst::minutes {

namespace {

constexpr std::string_view kW = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

// The page of Chinese official documents (GB/T 9704-2012, 5.2; ../shared/design/documents.md),
// in twips (mm × 56.7): A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
constexpr int kPageWidth = 11906, kPageHeight = 16838;
constexpr int kMarginTop = 2098, kMarginBottom = 1984, kMarginLeft = 1588, kMarginRight = 1474;
constexpr int kTextWidthTwips = kPageWidth - kMarginLeft - kMarginRight;
// 22 lines in the 225 mm type area: offices set a fixed 28-point pitch (560 twips).
constexpr int kLinePitch = 560;
// Sizes in half-points: 二号 22 pt, 三号 16 pt, 四号 14 pt, 小四 12 pt.
constexpr int kSizeErHao = 44, kSizeSanHao = 32, kSizeSiHao = 28, kSizeXiaoSi = 24;
// The fonts the standard names; fontTable.xml gives each the family Word and WPS fall back to.
constexpr std::string_view kFangSong = "仿宋_GB2312", kXiaoBiaoSong = "方正小标宋简体", kHeiTi = "黑体",
                           kKaiTi = "楷体_GB2312", kSongTi = "宋体";

std::string docx_runs(const std::vector<Run>& runs) {
  std::string out;
  for (const auto& r : runs) {
    if (r.text.empty()) continue;
    // Official documents do not embolden: a word that stands out is set in 黑体.
    const std::string rpr = r.bold ? "<w:rPr><w:rFonts w:eastAsia=\"" + std::string(kHeiTi) + "\"/></w:rPr>" : "";
    // w:t cannot hold a line break or a tab that Word would honour; they are elements.
    std::string text = normalize_newlines(r.text);
    size_t start = 0;
    out += "<w:r>" + rpr;
    for (size_t i = 0; i <= text.size(); ++i) {
      if (i < text.size() && text[i] != '\n' && text[i] != '\t') continue;
      if (i > start) out += "<w:t xml:space=\"preserve\">" + xml_escape(text.substr(start, i - start)) + "</w:t>";
      if (i < text.size()) out += text[i] == '\n' ? "<w:br/>" : "<w:tab/>";
      start = i + 1;
    }
    out += "</w:r>";
  }
  return out;
}

// keep_next: the paragraph stays on the page of the one after it (a sentence that
// introduces a table is not left at the foot of a page away from it).
std::string docx_para(std::string_view style, const std::vector<Run>& runs, bool keep_next = false,
                      bool page_break_before = false) {
  std::string out = "<w:p>";
  if (!style.empty() || keep_next || page_break_before) {
    out += "<w:pPr>";
    if (!style.empty()) out += "<w:pStyle w:val=\"" + std::string(style) + "\"/>";
    if (keep_next) out += "<w:keepNext/>";
    if (page_break_before) out += "<w:pageBreakBefore/>";
    out += "</w:pPr>";
  }
  return out + docx_runs(runs) + "</w:p>";
}

std::string docx_table(const Block& b) {
  const size_t cols = b.rows.empty() ? 0 : b.rows[0].size();
  std::vector<int> widths(cols, 1);
  for (size_t c = 0; c < cols && c < b.widths.size(); ++c) widths[c] = std::max(1, b.widths[c]);
  int total = 0;
  for (int w : widths) total += w;
  std::vector<int> twips;
  for (int w : widths) twips.push_back(kTextWidthTwips * w / std::max(1, total));

  const std::string border = "w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"";
  std::string out = "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"5000\" w:type=\"pct\"/>";
  out += "<w:tblBorders><w:top " + border + "/><w:left " + border + "/><w:bottom " + border + "/><w:right " + border +
         "/><w:insideH " + border + "/><w:insideV " + border + "/></w:tblBorders>";
  out += "<w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"80\" w:type=\"dxa\"/><w:right w:w=\"80\" "
         "w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid>";
  for (int t : twips) out += "<w:gridCol w:w=\"" + std::to_string(t) + "\"/>";
  out += "</w:tblGrid>";
  for (size_t r = 0; r < b.rows.size(); ++r) {
    const bool header = r == 0;
    out += "<w:tr><w:trPr><w:cantSplit/>";
    if (header) out += "<w:tblHeader/>";
    out += "</w:trPr>";
    for (size_t c = 0; c < cols; ++c) {
      const std::string cell = c < b.rows[r].size() ? b.rows[r][c] : std::string();
      out += "<w:tc><w:tcPr><w:tcW w:w=\"" + std::to_string(twips[c]) + "\" w:type=\"dxa\"/>";
      if (header) out += "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"E7E6E6\"/>";
      out += "</w:tcPr>" + docx_para("TableText", {{cell, header}}) + "</w:tc>";
    }
    out += "</w:tr>";
  }
  return out + "</w:tbl>";
}

std::string docx_styles() {
  auto font = [](std::string_view east_asian) {
    return "<w:rFonts w:ascii=\"Times New Roman\" w:eastAsia=\"" + std::string(east_asian) +
           "\" w:hAnsi=\"Times New Roman\" w:cs=\"Times New Roman\"/>";
  };
  auto size = [](int half_points) {
    const std::string v = std::to_string(half_points);
    return "<w:sz w:val=\"" + v + "\"/><w:szCs w:val=\"" + v + "\"/>";
  };
  // Exact line pitch, so that the page holds its 22 lines whatever the font's own metrics.
  auto exact = [](int twips, int after = 0) {
    return "<w:spacing w:before=\"0\" w:after=\"" + std::to_string(after) + "\" w:line=\"" + std::to_string(twips) +
           "\" w:lineRule=\"exact\"/>";
  };
  auto style = [&](std::string_view id, std::string_view name, std::string ppr, std::string rpr, bool custom = false) {
    return "<w:style w:type=\"paragraph\"" + std::string(custom ? " w:customStyle=\"1\"" : "") + " w:styleId=\"" +
           std::string(id) + "\"><w:name w:val=\"" + std::string(name) +
           "\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/><w:pPr>" + ppr + "</w:pPr><w:rPr>" + rpr + "</w:rPr></w:style>";
  };
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles xmlns:w=\"" +
                  std::string(kW) + "\">";
  // Body: 三号仿宋 at the fixed pitch.
  x += "<w:docDefaults><w:rPrDefault><w:rPr>" + font(kFangSong) + size(kSizeSanHao) +
       "<w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>" +
       exact(kLinePitch) + "</w:pPr></w:pPrDefault></w:docDefaults>";
  x += "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/>"
       "<w:pPr><w:jc w:val=\"both\"/></w:pPr></w:style>";
  // Title: 二号小标宋, centred; then 会议纪要 in 三号楷体.
  x += style("Title", "Title", "<w:keepNext/>" + exact(kLinePitch * 3 / 2, kLinePitch / 2) + "<w:jc w:val=\"center\"/>",
             font(kXiaoBiaoSong) + size(kSizeErHao) + "<w:color w:val=\"C00000\"/>");
  x += style("Subtitle", "Subtitle", "<w:keepNext/>" + exact(kLinePitch, kLinePitch / 2) + "<w:jc w:val=\"center\"/>",
             font(kKaiTi) + size(kSizeSanHao));
  // Headings: "一、" level 三号黑体, the next level 三号楷体; each stays with what follows.
  x += style("Heading1", "heading 1", "<w:keepNext/><w:keepLines/>" + exact(kLinePitch) + "<w:outlineLvl w:val=\"0\"/>",
             font(kHeiTi) + size(kSizeSanHao));
  x += style("Heading2", "heading 2", "<w:keepNext/><w:keepLines/>" + exact(kLinePitch) + "<w:outlineLvl w:val=\"1\"/>",
             font(kKaiTi) + size(kSizeSanHao));
  x += style("Entry", "Minutes Entry", "<w:keepLines/><w:ind w:left=\"640\" w:hanging=\"640\"/><w:jc w:val=\"left\"/>",
             "", true);
  // Body paragraphs start two characters in (三号 is 320 twips a character).
  x += style("BodyText", "Body Text", "<w:ind w:firstLine=\"640\"/>", "", true);
  // 出席：/列席：, the names aligned after the colon on the lines that follow.
  x += style("Attendance", "Attendance", "<w:ind w:left=\"1600\" w:hanging=\"1600\"/><w:jc w:val=\"left\"/>", "",
             true);
  x += style("Signature", "Signature", "<w:ind w:left=\"640\"/>", "", true);
  x += style("DateLine", "Date Line", "<w:jc w:val=\"right\"/><w:ind w:right=\"1280\"/>", "", true);
  // The attachment's record, one entry per event: 四号, so the full record stays a few pages.
  x += style("RecordEntry", "Record Entry",
             "<w:keepLines/>" + exact(kLinePitch * 4 / 5) + "<w:ind w:left=\"560\" w:hanging=\"560\"/><w:jc w:val=\"left\"/>",
             size(kSizeSiHao), true);
  x += style("QuoteBlock", "Minutes Quote", "<w:keepLines/><w:ind w:left=\"640\"/>", font(kKaiTi), true);
  x += style("Small", "Minutes Small", exact(kLinePitch * 4 / 5) + "<w:jc w:val=\"left\"/>",
             font(kFangSong) + size(kSizeSiHao), true);
  x += style("TableText", "Minutes Table Text", exact(kLinePitch * 3 / 4) + "<w:jc w:val=\"center\"/>",
             size(kSizeXiaoSi), true);
  // Page numbers: 四号半角宋体 "— N —", odd pages right and even pages left, one character in.
  x += style("Footer", "footer", "", font(kSongTi) + size(kSizeSiHao));
  x += "<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/>"
       "<w:uiPriority w:val=\"99\"/><w:semiHidden/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar>"
       "<w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/>"
       "<w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>";
  x += "<w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/>"
       "<w:basedOn w:val=\"TableNormal\"/><w:uiPriority w:val=\"39\"/><w:tblPr><w:tblBorders>"
       "<w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
       "<w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
       "<w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
       "<w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
       "<w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
       "<w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
       "</w:tblBorders></w:tblPr></w:style>";
  x += "</w:styles>";
  return x;
}

constexpr std::string_view kXmlDecl = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
constexpr std::string_view kRelNs = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

// The paragraph styles of the document's classes of paragraph.
std::string_view para_style(const std::string& cls) {
  if (cls == "note-small" || cls == "chain" || cls == "doc-status") return "Small";
  if (cls == "attendance") return "Attendance";
  if (cls == "date-line") return "DateLine";
  if (cls == "signature") return "Signature";
  if (cls == "opening" || cls == "speaker" || cls == "question" || cls == "answer" || cls == "agreed" ||
      cls == "commitment" || cls == "notes" || cls == "progress" || cls.empty() || cls == "placeholder")
    return "BodyText";
  return "";
}

std::string docx_body(const std::vector<Block>& doc) {
  std::string body;
  for (size_t i = 0; i < doc.size(); ++i) {
    const Block& b = doc[i];
    const bool before_table = i + 1 < doc.size() && doc[i + 1].type == BlockType::table;
    switch (b.type) {
      case BlockType::title: body += docx_para("Title", b.runs); break;
      case BlockType::subtitle: body += docx_para("Subtitle", b.runs); break;
      case BlockType::heading:
        body += docx_para(b.level <= 2 ? "Heading1" : "Heading2", b.runs, false, b.page_break_before);
        break;
      case BlockType::para: body += docx_para(para_style(b.cls), b.runs, before_table); break;
      case BlockType::item: body += docx_para(b.cls == "timeline" ? "RecordEntry" : "Entry", b.runs); break;
      case BlockType::quote: body += docx_para("QuoteBlock", b.runs); break;
      case BlockType::table:
        if (b.rows.empty()) break;
        body += docx_table(b);
        // Word merges adjacent tables and needs a paragraph after the last one.
        if (i + 1 == doc.size() || doc[i + 1].type == BlockType::table) body += "<w:p/>";
        break;
    }
  }
  return body;
}

// GB/T 9704 page and margins, odd and even page footers referenced by their relationship
// ids in document_rels; no document grid, so the exact 28-point pitch holds.
std::string document_xml(const std::vector<Block>& doc) {
  const std::string rel_ns(kRelNs);
  auto n = [](int v) { return std::to_string(v); };
  return std::string(kXmlDecl) + "<w:document xmlns:w=\"" + std::string(kW) + "\" xmlns:r=\"" + rel_ns +
         "\"><w:body>" + docx_body(doc) + "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rId2\"/>" +
         "<w:footerReference w:type=\"even\" r:id=\"rId3\"/>" + "<w:pgSz w:w=\"" + n(kPageWidth) + "\" w:h=\"" +
         n(kPageHeight) + "\"/>" + "<w:pgMar w:top=\"" + n(kMarginTop) + "\" w:right=\"" + n(kMarginRight) +
         "\" w:bottom=\"" + n(kMarginBottom) + "\" w:left=\"" + n(kMarginLeft) +
         "\" w:header=\"851\" w:footer=\"1247\" w:gutter=\"0\"/><w:cols w:space=\"425\"/>"
         "<w:docGrid w:linePitch=\"" + n(kLinePitch) + "\"/></w:sectPr></w:body></w:document>";
}

// "— N —", N being Word's PAGE field: on odd pages at the right, on even pages at the
// left, each one character (四号, 280 twips) in from the edge of the type area.
std::string footer_xml(bool odd) {
  const std::string place = odd ? "<w:jc w:val=\"right\"/><w:ind w:right=\"280\"/>" : "<w:jc w:val=\"left\"/><w:ind w:left=\"280\"/>";
  return std::string(kXmlDecl) + "<w:ftr xmlns:w=\"" + std::string(kW) + "\" xmlns:r=\"" + std::string(kRelNs) +
         "\"><w:p><w:pPr><w:pStyle w:val=\"Footer\"/>" + place + "</w:pPr>" +
         "<w:r><w:t xml:space=\"preserve\">— </w:t></w:r>"
         "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
         "<w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>"
         "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>1</w:t></w:r>"
         "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
         "<w:r><w:t xml:space=\"preserve\"> —</w:t></w:r></w:p></w:ftr>";
}

// Odd and even pages have their own footers.
std::string settings_xml() {
  return std::string(kXmlDecl) + "<w:settings xmlns:w=\"" + std::string(kW) +
         "\"><w:evenAndOddHeaders/><w:defaultTabStop w:val=\"640\"/><w:characterSpacingControl "
         // A line ended by a line break inside a justified paragraph is not spread out.
         "w:val=\"compressPunctuation\"/><w:compat><w:doNotExpandShiftReturn/></w:compat></w:settings>";
}

// The standard's fonts by name, each with the family a machine without it falls back to
// (w:altName; Word and WPS on Windows have 仿宋, 黑体, 楷体 and 宋体).
std::string font_table_xml() {
  auto font = [](std::string_view name, std::string_view alt, std::string_view family) {
    return "<w:font w:name=\"" + std::string(name) + "\"><w:altName w:val=\"" + std::string(alt) +
           "\"/><w:charset w:val=\"86\"/><w:family w:val=\"" + std::string(family) + "\"/></w:font>";
  };
  return std::string(kXmlDecl) + "<w:fonts xmlns:w=\"" + std::string(kW) + "\">" + font(kFangSong, "仿宋", "modern") +
         font(kXiaoBiaoSong, "宋体", "auto") + font(kHeiTi, "SimHei", "modern") + font(kKaiTi, "楷体", "modern") +
         font(kSongTi, "SimSun", "auto") + "</w:fonts>";
}

std::string core_xml(const DocumentInfo& info) {
  const std::string created = utc_w3cdtf(info.date_ms);
  return std::string(kXmlDecl) +
         "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
         "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" "
         "xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
         "<dc:title>" +
         xml_escape(info.title + " " + info.kind) + "</dc:title><dc:subject>" + xml_escape(info.subject) +
         "</dc:subject><dc:creator>议事厅 Yishiting</dc:creator><dc:language>zh-CN</dc:language>"
         "<dc:identifier>" +
         xml_escape(info.identifier) + "</dc:identifier><dcterms:created xsi:type=\"dcterms:W3CDTF\">" + created +
         "</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">" + utc_w3cdtf(info.generated_ms) +
         "</dcterms:modified></cp:coreProperties>";
}

std::string app_xml() {
  return std::string(kXmlDecl) +
         "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">"
         "<Application>Yishiting</Application></Properties>";
}

std::string package_rels() {
  const std::string rel_ns(kRelNs);
  return std::string(kXmlDecl) +
         "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
         "<Relationship Id=\"rId1\" Type=\"" + rel_ns + "/officeDocument\" Target=\"word/document.xml\"/>"
         "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
         "core-properties\" Target=\"docProps/core.xml\"/>"
         "<Relationship Id=\"rId3\" Type=\"" + rel_ns + "/extended-properties\" Target=\"docProps/app.xml\"/>"
         "</Relationships>";
}

std::string document_rels() {
  const std::string rel_ns(kRelNs);
  return std::string(kXmlDecl) + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
         "<Relationship Id=\"rId1\" Type=\"" + rel_ns + "/styles\" Target=\"styles.xml\"/>"
         "<Relationship Id=\"rId2\" Type=\"" + rel_ns + "/footer\" Target=\"footer1.xml\"/>"
         "<Relationship Id=\"rId3\" Type=\"" + rel_ns + "/footer\" Target=\"footer2.xml\"/>"
         "<Relationship Id=\"rId4\" Type=\"" + rel_ns + "/settings\" Target=\"settings.xml\"/>"
         "<Relationship Id=\"rId5\" Type=\"" + rel_ns + "/fontTable\" Target=\"fontTable.xml\"/>"
         "</Relationships>";
}

}  // namespace

std::string render_docx(const DocumentInfo& info, const std::vector<Block>& doc) {
  const std::string wml = "application/vnd.openxmlformats-officedocument.wordprocessingml.";
  // Zip timestamps cannot go before 1980.
  DocxWriter w(std::max<int64_t>(info.generated_ms / 1000, 315532800));
  w.add("_rels/.rels", "", package_rels());
  w.add("word/document.xml", wml + "document.main+xml", document_xml(doc));
  w.add("word/styles.xml", wml + "styles+xml", docx_styles());
  w.add("word/footer1.xml", wml + "footer+xml", footer_xml(true));
  w.add("word/footer2.xml", wml + "footer+xml", footer_xml(false));
  w.add("word/settings.xml", wml + "settings+xml", settings_xml());
  w.add("word/fontTable.xml", wml + "fontTable+xml", font_table_xml());
  w.add("word/_rels/document.xml.rels", "", document_rels());
  w.add("docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml", core_xml(info));
  w.add("docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml", app_xml());
  return w.finish();
}

}  // namespace yst::minutes
