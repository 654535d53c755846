SELECT '${anything}', ${schema};
