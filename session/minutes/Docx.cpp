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
constexpr int kTextWidthTwips = 11906 - 2 * 1134;  // A4 less 2 cm margins

std::string docx_runs(const std::vector<Run>& runs) {
  std::string out;
  for (const auto& r : runs) {
    if (r.text.empty()) continue;
    const std::string rpr = r.bold ? "<w:rPr><w:b/><w:bCs/></w:rPr>" : "";
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

std::string docx_para(std::string_view style, const std::vector<Run>& runs) {
  std::string out = "<w:p>";
  if (!style.empty()) out += "<w:pPr><w:pStyle w:val=\"" + std::string(style) + "\"/></w:pPr>";
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
  auto font = [](std::string_view latin, std::string_view east_asian) {
    return "<w:rFonts w:ascii=\"" + std::string(latin) + "\" w:eastAsia=\"" + std::string(east_asian) +
           "\" w:hAnsi=\"" + std::string(latin) + "\" w:cs=\"" + std::string(latin) + "\"/>";
  };
  const std::string serif = font("Times New Roman", "宋体");
  const std::string sans = font("Arial", "黑体");
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles xmlns:w=\"" +
                  std::string(kW) + "\">";
  x += "<w:docDefaults><w:rPrDefault><w:rPr>" + serif +
       "<w:sz w:val=\"22\"/><w:szCs w:val=\"22\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\"/>"
       "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"60\" w:line=\"340\" w:lineRule=\"auto\"/>"
       "</w:pPr></w:pPrDefault></w:docDefaults>";
  x += "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/>"
       "<w:pPr><w:jc w:val=\"both\"/></w:pPr></w:style>";
  x += "<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/>"
       "<w:next w:val=\"Subtitle\"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before=\"240\" w:after=\"60\"/>"
       "<w:jc w:val=\"center\"/></w:pPr><w:rPr>" +
       sans + "<w:b/><w:bCs/><w:sz w:val=\"40\"/><w:szCs w:val=\"40\"/></w:rPr></w:style>";
  x += "<w:style w:type=\"paragraph\" w:styleId=\"Subtitle\"><w:name w:val=\"Subtitle\"/><w:basedOn w:val=\"Normal\"/>"
       "<w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:after=\"240\"/><w:jc w:val=\"center\"/>"
       "</w:pPr><w:rPr>" +
       sans + "<w:spacing w:val=\"60\"/><w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/></w:rPr></w:style>";
  x += "<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/><w:basedOn w:val=\"Normal\"/>"
       "<w:next w:val=\"Normal\"/><w:uiPriority w:val=\"9\"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/>"
       "<w:spacing w:before=\"300\" w:after=\"120\"/><w:outlineLvl w:val=\"0\"/></w:pPr><w:rPr>" +
       sans + "<w:b/><w:bCs/><w:sz w:val=\"30\"/><w:szCs w:val=\"30\"/></w:rPr></w:style>";
  x += "<w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/><w:basedOn w:val=\"Normal\"/>"
       "<w:next w:val=\"Normal\"/><w:uiPriority w:val=\"9\"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/>"
       "<w:spacing w:before=\"200\" w:after=\"80\"/><w:outlineLvl w:val=\"1\"/></w:pPr><w:rPr>" +
       sans + "<w:b/><w:bCs/><w:sz w:val=\"26\"/><w:szCs w:val=\"26\"/></w:rPr></w:style>";
  x += "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"Entry\"><w:name w:val=\"Minutes Entry\"/>"
       "<w:basedOn w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepLines/><w:ind w:left=\"420\" w:hanging=\"420\"/>"
       "<w:jc w:val=\"left\"/></w:pPr></w:style>";
  x += "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"QuoteBlock\"><w:name w:val=\"Minutes Quote\"/>"
       "<w:basedOn w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepLines/><w:pBdr><w:left w:val=\"single\" w:sz=\"12\" "
       "w:space=\"6\" w:color=\"888888\"/></w:pBdr><w:ind w:left=\"600\"/></w:pPr><w:rPr><w:color w:val=\"333333\"/>"
       "</w:rPr></w:style>";
  x += "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"Small\"><w:name w:val=\"Minutes Small\"/>"
       "<w:basedOn w:val=\"Normal\"/><w:qFormat/><w:rPr><w:color w:val=\"555555\"/><w:sz w:val=\"18\"/>"
       "<w:szCs w:val=\"18\"/></w:rPr></w:style>";
  x += "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"TableText\"><w:name w:val=\"Minutes Table Text\"/>"
       "<w:basedOn w:val=\"Normal\"/><w:qFormat/><w:pPr><w:spacing w:after=\"0\" w:line=\"280\" w:lineRule=\"auto\"/>"
       "<w:jc w:val=\"left\"/></w:pPr><w:rPr><w:sz w:val=\"19\"/><w:szCs w:val=\"19\"/></w:rPr></w:style>";
  x += "<w:style w:type=\"paragraph\" w:styleId=\"Header\"><w:name w:val=\"header\"/><w:basedOn w:val=\"Normal\"/>"
       "<w:pPr><w:pBdr><w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"1\" w:color=\"888888\"/></w:pBdr>"
       "<w:jc w:val=\"center\"/></w:pPr><w:rPr><w:color w:val=\"555555\"/><w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/>"
       "</w:rPr></w:style>";
  x += "<w:style w:type=\"paragraph\" w:styleId=\"Footer\"><w:name w:val=\"footer\"/><w:basedOn w:val=\"Normal\"/>"
       "<w:pPr><w:jc w:val=\"center\"/></w:pPr><w:rPr><w:color w:val=\"555555\"/><w:sz w:val=\"18\"/>"
       "<w:szCs w:val=\"18\"/></w:rPr></w:style>";
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

std::string docx_body(const std::vector<Block>& doc) {
  std::string body;
  for (size_t i = 0; i < doc.size(); ++i) {
    const Block& b = doc[i];
    switch (b.type) {
      case BlockType::title: body += docx_para("Title", b.runs); break;
      case BlockType::subtitle: body += docx_para("Subtitle", b.runs); break;
      case BlockType::heading: body += docx_para(b.level <= 2 ? "Heading1" : "Heading2", b.runs); break;
      case BlockType::para:
        body += docx_para(b.cls == "note-small" || b.cls == "chain" ? "Small" : "", b.runs);
        break;
      case BlockType::item: body += docx_para("Entry", b.runs); break;
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

// A4, the header and footer parts referenced by their relationship ids in document_rels.
std::string document_xml(const std::vector<Block>& doc) {
  const std::string rel_ns(kRelNs);
  return std::string(kXmlDecl) + "<w:document xmlns:w=\"" + std::string(kW) + "\" xmlns:r=\"" + rel_ns +
         "\"><w:body>" + docx_body(doc) +
         "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rId2\"/>"
         "<w:footerReference w:type=\"default\" r:id=\"rId3\"/>"
         "<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"
         "<w:pgMar w:top=\"1440\" w:right=\"1134\" w:bottom=\"1440\" w:left=\"1134\" w:header=\"720\" "
         "w:footer=\"720\" w:gutter=\"0\"/><w:cols w:space=\"425\"/>"
         "<w:docGrid w:type=\"lines\" w:linePitch=\"312\"/></w:sectPr></w:body></w:document>";
}

std::string header_xml(const std::string& title) {
  return std::string(kXmlDecl) + "<w:hdr xmlns:w=\"" + std::string(kW) + "\" xmlns:r=\"" + std::string(kRelNs) +
         "\">" + docx_para("Header", {{title + " 会议纪要"}}) + "</w:hdr>";
}

// "第 N 页", N being Word's PAGE field.
std::string footer_xml() {
  return std::string(kXmlDecl) + "<w:ftr xmlns:w=\"" + std::string(kW) + "\" xmlns:r=\"" + std::string(kRelNs) +
         "\"><w:p><w:pPr><w:pStyle w:val=\"Footer\"/></w:pPr>"
         "<w:r><w:t xml:space=\"preserve\">第 </w:t></w:r>"
         "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
         "<w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>"
         "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>1</w:t></w:r>"
         "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
         "<w:r><w:t xml:space=\"preserve\"> 页</w:t></w:r></w:p></w:ftr>";
}

std::string core_xml(const MinutesInput& in, const Model& m, const std::string& title) {
  const std::string created = utc_w3cdtf(m.started_ms.value_or(in.generated_ms));
  return std::string(kXmlDecl) +
         "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
         "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" "
         "xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
         "<dc:title>" +
         xml_escape(title + " 会议纪要") + "</dc:title><dc:subject>" + xml_escape(single_line(in.info.topic)) +
         "</dc:subject><dc:creator>议事厅 Yishiting</dc:creator><dc:language>zh-CN</dc:language>"
         "<dc:identifier>" +
         xml_escape(in.info.id) + "</dc:identifier><dcterms:created xsi:type=\"dcterms:W3CDTF\">" + created +
         "</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">" + utc_w3cdtf(in.generated_ms) +
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
         "<Relationship Id=\"rId2\" Type=\"" + rel_ns + "/header\" Target=\"header1.xml\"/>"
         "<Relationship Id=\"rId3\" Type=\"" + rel_ns + "/footer\" Target=\"footer1.xml\"/>"
         "</Relationships>";
}

}  // namespace

std::string render_docx(const MinutesInput& in, const Model& m, const std::vector<Block>& doc) {
  const std::string title = in.info.title.empty() ? std::string("议事厅") : single_line(in.info.title);
  const std::string wml = "application/vnd.openxmlformats-officedocument.wordprocessingml.";
  // Zip timestamps cannot go before 1980.
  DocxWriter w(std::max<int64_t>(in.generated_ms / 1000, 315532800));
  w.add("_rels/.rels", "", package_rels());
  w.add("word/document.xml", wml + "document.main+xml", document_xml(doc));
  w.add("word/styles.xml", wml + "styles+xml", docx_styles());
  w.add("word/header1.xml", wml + "header+xml", header_xml(title));
  w.add("word/footer1.xml", wml + "footer+xml", footer_xml());
  w.add("word/_rels/document.xml.rels", "", document_rels());
  w.add("docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml", core_xml(in, m, title));
  w.add("docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml", app_xml());
  return w.finish();
}

}  // namespace yst::minutes
