// Splitter throughput and memory: streams a generated script of the given size
// (default 1 GiB) through StatementSource and reports MB/s and peak RSS.
//
//   flyrun_bench_splitter [--dialect postgres|mysql|sqlite] [--size-mb N] [--file PATH]
//
// The script is generated on the fly by an std::streambuf that repeats a block of
// realistic statements, so the disk is not measured and nothing is held whole.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <streambuf>
#include <string>

#include "core/error.h"
#include "parse/statement_source.h"

namespace {

using flyrun::Dialect;

std::string Block(Dialect dialect) {
  std::ostringstream s;
  s << "-- generated migration block\n";
  if (dialect == Dialect::kPostgres) {
    s << "CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$\n"
         "BEGIN\n  NEW.updated_at := now(); -- keep it fresh\n  RETURN NEW;\nEND;\n$$;\n";
    s << "COPY items (id, name, price) FROM stdin;\n";
    for (int i = 0; i < 200; ++i) s << i << "\titem number " << i << "\t" << i * 3 << ".25\n";
    s << "\\.\n";
  } else if (dialect == Dialect::kMysql) {
    s << "DELIMITER //\nCREATE PROCEDURE touch(IN n INT)\nBEGIN\n  IF n > 0 THEN\n"
         "    UPDATE items SET price = price + 1 WHERE id = n;\n  END IF;\nEND //\n"
         "DELIMITER ;\n/*!40101 SET NAMES utf8mb4 */;\n";
  } else {
    s << "CREATE TRIGGER touch AFTER UPDATE ON items BEGIN\n"
         "  UPDATE items SET updated = CASE WHEN new.id > 0 THEN 1 ELSE 0 END;\nEND;\n";
  }
  for (int i = 0; s.tellp() < (1 << 20); ++i) {
    if (i % 50 == 0) s << "/* batch " << i << " */\n";
    s << "INSERT INTO items (id, name, note, price, created_at) VALUES (" << i << ", 'item number "
      << i << "', 'it''s a \"quoted\" note; with a semicolon', " << (i % 997)
      << ".5, '2024-01-01 10:00:00');\n";
    if (i % 10 == 0) {
      s << "UPDATE items SET price = price * 1.1 WHERE id = " << i
        << " AND name <> 'x'; -- adjust\n";
    }
  }
  return s.str();
}

/// Repeats `block` until `total` bytes have been read.
class RepeatBuf : public std::streambuf {
 public:
  RepeatBuf(std::string block, uint64_t total) : block_(std::move(block)), left_(total) {}

 protected:
  std::streamsize xsgetn(char* s, std::streamsize n) override {
    std::streamsize done = 0;
    while (done < n && left_ > 0) {
      uint64_t take =
          std::min<uint64_t>({static_cast<uint64_t>(n - done), block_.size() - off_, left_});
      std::memcpy(s + done, block_.data() + off_, take);
      done += static_cast<std::streamsize>(take);
      left_ -= take;
      off_ = (off_ + take) % block_.size();
    }
    return done;
  }
  int_type underflow() override { return traits_type::eof(); }

 private:
  std::string block_;
  uint64_t left_;
  size_t off_ = 0;
};

long PeakRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dialect_name = "postgres";
  uint64_t size_mb = 1024;
  std::string file;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--dialect" && i + 1 < argc) {
      dialect_name = argv[++i];
    } else if (a == "--size-mb" && i + 1 < argc) {
      size_mb = std::stoull(argv[++i]);
    } else if (a == "--file" && i + 1 < argc) {
      file = argv[++i];
    } else {
      std::cerr << "usage: " << argv[0]
                << " [--dialect postgres|mysql|sqlite] [--size-mb N] [--file PATH]\n";
      return 2;
    }
  }
  Dialect dialect = dialect_name == "mysql"    ? Dialect::kMysql
                    : dialect_name == "sqlite" ? Dialect::kSqlite
                                               : Dialect::kPostgres;
  std::unique_ptr<std::istream> in;
  std::unique_ptr<RepeatBuf> gen;
  uint64_t bytes = 0;
  if (file.empty()) {
    std::string block = Block(dialect);
    // Whole blocks only, so that the script does not end inside a statement.
    bytes = std::max<uint64_t>(1, (size_mb << 20) / block.size()) * block.size();
    gen = std::make_unique<RepeatBuf>(std::move(block), bytes);
    in = std::make_unique<std::istream>(gen.get());
  } else {
    auto f = std::make_unique<std::ifstream>(file, std::ios::binary | std::ios::ate);
    if (!*f) {
      std::cerr << "cannot open " << file << "\n";
      return 2;
    }
    bytes = static_cast<uint64_t>(f->tellg());
    f->seekg(0);
    in = std::move(f);
  }
  long rss_before = PeakRssKb();
  flyrun::SplitOptions options;
  options.dialect = dialect;
  try {
    auto start = std::chrono::steady_clock::now();
    flyrun::StatementSource source(std::move(in), file.empty() ? "generated.sql" : file, options);
    flyrun::Statement st;
    uint64_t statements = 0, sql_bytes = 0, copy_bytes = 0;
    std::string chunk;
    while (source.Next(st)) {
      ++statements;
      sql_bytes += st.sql.size();
      if (st.copy_data) {
        while (st.copy_data->Next(chunk)) copy_bytes += chunk.size();
      }
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("dialect      %s\n", dialect_name.c_str());
    std::printf("input        %.1f MB\n", static_cast<double>(bytes) / 1e6);
    std::printf("statements   %llu (%.1f MB of SQL, %.1f MB of COPY data)\n",
                static_cast<unsigned long long>(statements), static_cast<double>(sql_bytes) / 1e6,
                static_cast<double>(copy_bytes) / 1e6);
    std::printf("time         %.2f s\n", seconds);
    std::printf("throughput   %.0f MB/s\n", static_cast<double>(bytes) / 1e6 / seconds);
    std::printf("peak RSS     %.1f MB (%.1f MB before splitting)\n",
                static_cast<double>(PeakRssKb()) / 1024.0,
                static_cast<double>(rss_before) / 1024.0);
  } catch (const flyrun::Error& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
