#include "model/tokenizer.h"

#include <algorithm>
#include <fstream>
#include <map>

#include "common/error.h"

namespace psr::model {
namespace {

const char* const kSpecials[] = {"<pad>", "<s>", "<unk>"};

bool isWordByte(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80; }

}  // namespace

WordTokenizer::WordTokenizer(std::vector<std::string> vocab) : vocab_(std::move(vocab)) {
  for (std::size_t i = 0; i < 3; ++i)
    if (vocab_.size() <= i || vocab_[i] != kSpecials[i])
      throw Error("tokenizer vocabulary must start with <pad>, <s>, <unk>", ErrorCode::Corrupt);
  for (std::size_t i = 0; i < vocab_.size(); ++i)
    if (!ids_.emplace(vocab_[i], std::int64_t(i)).second)
      throw Error("tokenizer vocabulary lists '" + vocab_[i] + "' twice", ErrorCode::Corrupt);
}

std::vector<std::string> WordTokenizer::words(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c - 'A' + 'a');
    if (isWordByte(c)) {
      word.push_back(static_cast<char>(c));
    } else if (!word.empty()) {
      out.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

WordTokenizer WordTokenizer::fromCorpus(const std::vector<std::string>& texts, std::size_t maxSize) {
  std::map<std::string, std::int64_t> counts;
  for (const auto& text : texts)
    for (auto& word : words(text)) ++counts[word];
  std::vector<std::pair<std::string, std::int64_t>> ranked(counts.begin(), counts.end());
  // stable_sort keeps the map's alphabetical order among equal counts.
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> vocab(std::begin(kSpecials), std::end(kSpecials));
  for (auto& [word, count] : ranked) {
    if (maxSize != 0 && vocab.size() >= maxSize) break;
    vocab.push_back(word);
  }
  return WordTokenizer(std::move(vocab));
}

WordTokenizer WordTokenizer::load(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw Error("cannot read tokenizer vocabulary " + path.string(), ErrorCode::Io);
  std::vector<std::string> vocab;
  for (std::string line; std::getline(in, line);) vocab.push_back(line);
  try {
    return WordTokenizer(std::move(vocab));
  } catch (const Error& e) {
    throw Error(path.string() + ": " + e.what(), ErrorCode::Corrupt);
  }
}

void WordTokenizer::save(const std::filesystem::path& path) const {
  std::ofstream out(path, std::ios::trunc);
  for (const auto& token : vocab_) out << token << '\n';
  if (!out.flush()) throw Error("cannot write tokenizer vocabulary " + path.string(), ErrorCode::Io);
}

std::vector<std::int64_t> WordTokenizer::encode(std::string_view text, std::size_t maxTokens) const {
  std::vector<std::int64_t> ids{kBos};
  for (const auto& word : words(text)) {
    if (ids.size() >= std::max<std::size_t>(maxTokens, 1)) break;
    const auto it = ids_.find(word);
    ids.push_back(it == ids_.end() ? kUnk : it->second);
  }
  return ids;
}

}  // namespace psr::model
