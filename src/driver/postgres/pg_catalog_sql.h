#pragma once

namespace flyrun::pg {

// Catalog queries of the driver. $1 is always the schema name.

/// Objects that belong to an extension, or exist only as part of another
/// object (a range type's constructor functions, a multirange type), are
/// neither counted nor dropped one by one: they go with their owner. (A
/// partitioned table depends internally on itself, through its key columns.)
#define FLYRUN_PG_NOT_EXTENSION_MEMBER(catalog, alias)                 \
  " NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '" catalog \
  "'::regclass"                                                        \
  " AND d.objid = " alias                                              \
  ".oid AND (d.deptype = 'e' OR (d.deptype = 'i'"                      \
  " AND NOT (d.refclassid = d.classid AND d.refobjid = d.objid)))) "

/// Standalone types worth counting or dropping: enums, ranges, base and shell
/// types, standalone composites (not a table's row type), never the array
/// types PostgreSQL creates alongside them.
#define FLYRUN_PG_USER_TYPE(alias)                         \
  " (" alias ".typtype IN ('e', 'r', 'b', 'p') OR (" alias \
  ".typtype = 'c' AND"                                     \
  " (SELECT relkind FROM pg_class WHERE oid = " alias      \
  ".typrelid) = 'c'))"                                     \
  " AND NOT EXISTS (SELECT 1 FROM pg_type a WHERE a.typarray = " alias ".oid) "

/// One row, one boolean: the schema holds nothing but the tables named $2 (the
/// history table) and $3 (its lock table).
inline constexpr const char* kSchemaIsEmptySql =
    "WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = $1) "
    "SELECT NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = (SELECT oid FROM ns)"
    "  AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c')"
    "  AND NOT (c.relname IN ($2, $3) AND c.relkind IN ('r', 'p'))"
    "  AND" FLYRUN_PG_NOT_EXTENSION_MEMBER("pg_class", "c") ")"
    " AND NOT EXISTS (SELECT 1 FROM pg_proc p WHERE p.pronamespace = (SELECT oid FROM ns)"
    "  AND" FLYRUN_PG_NOT_EXTENSION_MEMBER("pg_proc", "p") ")"
    " AND NOT EXISTS (SELECT 1 FROM pg_type t WHERE t.typnamespace = (SELECT oid FROM ns)"
    "  AND (t.typtype = 'd' OR" FLYRUN_PG_USER_TYPE("t") ")"
    "  AND" FLYRUN_PG_NOT_EXTENSION_MEMBER("pg_type", "t") ")";

/// The DROP statements that empty the schema, in an order where CASCADE and
/// IF EXISTS make the rest work: extensions we own, materialized views, views,
/// foreign tables, tables (partitions go with their parent), sequences,
/// routines (functions, procedures, aggregates), domains, types. The table
/// named $2, the lock table held while cleaning, stays.
inline constexpr const char* kCleanStatementsSql =
    "WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = $1) "
    "SELECT stmt FROM ("
    " SELECT 0 AS ord, format('DROP EXTENSION IF EXISTS %I CASCADE', e.extname) AS stmt"
    "  FROM pg_extension e WHERE e.extnamespace = (SELECT oid FROM ns)"
    "  AND pg_has_role(e.extowner, 'USAGE')"
    " UNION ALL"
    " SELECT CASE c.relkind WHEN 'm' THEN 1 WHEN 'v' THEN 2 WHEN 'f' THEN 3 WHEN 'S' THEN 5"
    "  ELSE 4 END,"
    "  format('DROP %s IF EXISTS %I.%I CASCADE', CASE c.relkind"
    "  WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'v' THEN 'VIEW' WHEN 'f' THEN 'FOREIGN TABLE'"
    "  WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, $1, c.relname)"
    "  FROM pg_class c WHERE c.relnamespace = (SELECT oid FROM ns)"
    "  AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND NOT c.relispartition"
    "  AND NOT (c.relname = $2 AND c.relkind = 'r')"
    "  AND" FLYRUN_PG_NOT_EXTENSION_MEMBER("pg_class", "c")
    " UNION ALL"
    " SELECT 6, format('DROP ROUTINE IF EXISTS %I.%I(%s) CASCADE', $1, p.proname,"
    "  pg_get_function_identity_arguments(p.oid))"
    "  FROM pg_proc p WHERE p.pronamespace = (SELECT oid FROM ns)"
    "  AND" FLYRUN_PG_NOT_EXTENSION_MEMBER("pg_proc", "p")
    " UNION ALL"
    " SELECT 7, format('DROP DOMAIN IF EXISTS %I.%I CASCADE', $1, t.typname)"
    "  FROM pg_type t WHERE t.typnamespace = (SELECT oid FROM ns) AND t.typtype = 'd'"
    "  AND" FLYRUN_PG_NOT_EXTENSION_MEMBER("pg_type", "t")
    " UNION ALL"
    " SELECT 8, format('DROP TYPE IF EXISTS %I.%I CASCADE', $1, t.typname)"
    "  FROM pg_type t WHERE t.typnamespace = (SELECT oid FROM ns) AND" FLYRUN_PG_USER_TYPE("t")
    "  AND" FLYRUN_PG_NOT_EXTENSION_MEMBER("pg_type", "t")
    ") s ORDER BY ord";

#undef FLYRUN_PG_NOT_EXTENSION_MEMBER
#undef FLYRUN_PG_USER_TYPE

}  // namespace flyrun::pg
