#include "store/postgres/pg.hpp"

#include <libpq-fe.h>

#include <cstdlib>
#include <cstring>

namespace mc::pg {

Rows::~Rows() {
  if (r_) PQclear(r_);
}

Rows& Rows::operator=(Rows&& o) noexcept {
  if (this != &o) {
    if (r_) PQclear(r_);
    r_ = o.r_;
    o.r_ = nullptr;
  }
  return *this;
}

int Rows::size() const { return r_ ? PQntuples(r_) : 0; }

std::string Rows::text(int row, int col) const {
  return std::string(PQgetvalue(r_, row, col), static_cast<std::size_t>(PQgetlength(r_, row, col)));
}

std::int64_t Rows::int64(int row, int col) const { return std::strtoll(PQgetvalue(r_, row, col), nullptr, 10); }

bool Rows::boolean(int row, int col) const { return PQgetvalue(r_, row, col)[0] == 't'; }

bool Rows::is_null(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }

std::int64_t Rows::affected() const {
  const char* n = PQcmdTuples(r_);
  return n && *n ? std::strtoll(n, nullptr, 10) : 0;
}

Result<std::unique_ptr<Connection>> Connection::open(const std::string& url) {
  pg_conn* c = PQconnectdb(url.c_str());
  if (!c || PQstatus(c) != CONNECTION_OK) {
    std::string why = c ? PQerrorMessage(c) : "out of memory";
    if (c) PQfinish(c);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return Error::unavailable("store_unavailable", "cannot connect to PostgreSQL: " + why);
  }
  return std::unique_ptr<Connection>(new Connection(c));
}

Connection::~Connection() { PQfinish(c_); }

bool Connection::healthy() const { return PQstatus(c_) == CONNECTION_OK; }

bool Connection::idle() const { return PQtransactionStatus(c_) == PQTRANS_IDLE; }

namespace {

Error error_of(pg_conn* c, pg_result* r) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string msg = r ? PQresultErrorMessage(r) : PQerrorMessage(c);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  std::string s = state ? state : "";
  if (s == "23505") return Error::already_exists("constraint", msg);
  if (s.rfind("23", 0) == 0) return Error::failed_precondition("constraint", msg);
  if (s == "40001" || s == "40P01") return Error::unavailable("retry", msg);
  if (PQstatus(c) != CONNECTION_OK || s.rfind("08", 0) == 0) {
    return Error::unavailable("store_unavailable", "PostgreSQL connection lost: " + msg);
  }
  return Error::internal("storage error: " + msg);
}

}  // namespace

Status Connection::exec(std::string_view sql) {
  std::string s(sql);
  pg_result* r = PQexec(c_, s.c_str());
  Rows rows(r);
  auto st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return error_of(c_, r);
  return {};
}

Result<Rows> Connection::query(std::string_view sql, const std::vector<Param>& params) {
  std::string s(sql);
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  pg_result* r =
      PQexecParams(c_, s.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
  Rows rows(r);
  auto st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return error_of(c_, r);
  return rows;
}

namespace {

// Quotes one element of an array literal: "..." with \ and " escaped.
std::string array_element(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

}  // namespace

std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + array_element(items[i]);
  return out + "}";
}

std::string int_array(const std::vector<std::int64_t>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + std::to_string(items[i]);
  return out + "}";
}

}  // namespace mc::pg
