#include "client/open/text_view.hpp"

#include "client/browser/charset.hpp"

namespace mc::client {

Result<View> text_to_view(std::string_view bytes, const std::string& content_type, const std::string& default_charset,
                          std::size_t max_bytes) {
  if (bytes.size() > max_bytes) {
    return Error{ErrorKind::kTooLarge, "page_too_large",
                 "the text is " + std::to_string(bytes.size()) + " bytes; the viewer opens up to " +
                     std::to_string(max_bytes)};
  }
  CharsetChoice cs = choose_text_charset(bytes, content_type, default_charset);
  std::string_view body = bytes.substr(cs.bom_len);
  if (!cs.charset.starts_with("UTF-16") && looks_binary(body)) {
    return Error::invalid_argument("not_text", "this is binary data, not text");
  }
  MC_TRY(std::string text, decode_to_utf8(body, cs.charset));
  View v;
  v.opener = "text";
  v.charset = cs.charset;
  // Paragraphs: runs of non-blank lines. "\r\n" counts as a line end.
  std::string para;
  auto end_paragraph = [&] {
    while (!para.empty() && para.back() == '\n') para.pop_back();
    if (!para.empty()) v.blocks.push_back(Block::with_text(BlockType::kParagraph, std::move(para)));
    para.clear();
  };
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t j = text.find('\n', i);
    if (j == std::string::npos) j = text.size();
    std::string_view line(text.data() + i, j - i);
    if (line.ends_with('\r')) line.remove_suffix(1);
    bool blank = line.find_first_not_of(" \t") == std::string_view::npos;
    if (blank) {
      end_paragraph();
    } else {
      para.append(line);
      para += '\n';
    }
    i = j + 1;
  }
  end_paragraph();
  return v;
}

}  // namespace mc::client
