DROP INDEX suppliers_list;
