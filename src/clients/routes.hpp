#pragma once
// The clients context's route registration, internal to the context (module.cpp calls them).
namespace sdelka::web { class Host; }

namespace sdelka::clients {
class ClientsService;
class ImportJobs;
void register_clients_api(web::Host& app, ClientsService& svc);
void register_clients_pages(web::Host& app, ClientsService& svc);
void register_transfer_routes(web::Host& app, ClientsService& svc, ImportJobs& jobs);
}  // namespace sdelka::clients
